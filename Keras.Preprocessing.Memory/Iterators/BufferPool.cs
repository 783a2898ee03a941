using System.Collections.Concurrent;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Float buffers for batches. A buffer comes back only when the caller disposes its batch, so a batch the
/// caller still holds is never overwritten. One pool serves all iterators of a generator, so a new flow() (say,
/// one per epoch) starts with warm buffers instead of fresh memory to fault in; it keeps at most
/// <see cref="KeptPerLength"/> idle buffers of each length, so what it holds stays bounded.
/// </summary>
internal sealed class BufferPool
{
    private const int KeptPerLength = 4;

    private readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> _free = new();

    // Uninitialized: the engine writes every element of a batch, so zeroing a fresh buffer would be wasted work.
    public float[] Rent(int length) =>
        _free.TryGetValue(length, out var bag) && bag.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<float>(length);

    public void Return(float[] buffer)
    {
        var bag = _free.GetOrAdd(buffer.Length, _ => []);
        if (bag.Count < KeptPerLength)
        {
            bag.Add(buffer);
        }
    }
}
