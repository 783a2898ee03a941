using System.Collections.Concurrent;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Float buffers for batches. A buffer comes back only when the caller disposes its batch, so a batch the
/// caller still holds is never overwritten.
/// </summary>
internal sealed class BufferPool
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> _free = new();

    public float[] Rent(int length) =>
        _free.TryGetValue(length, out var bag) && bag.TryTake(out var buffer) ? buffer : new float[length];

    public void Return(float[] buffer) => _free.GetOrAdd(buffer.Length, _ => []).Add(buffer);
}
