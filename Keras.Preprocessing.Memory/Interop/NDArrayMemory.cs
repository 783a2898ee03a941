using System.Buffers;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Interop;

/// <summary>
/// Spans and <see cref="Memory{T}"/> over an NDArray's own storage, so trainers can read a batch without a copy.
/// Batch arrays are always contiguous (we allocate them), but the dtype is checked so a wrong <c>T</c> fails loudly
/// instead of reinterpreting bytes.
/// </summary>
internal static unsafe class NDArrayMemory
{
    public static Span<T> AsSpan<T>(NDArray array, string name)
        where T : unmanaged
    {
        int length = CheckedLength<T>(array, name);
        return new Span<T>((void*)array.Unsafe.Address, length);
    }

    public static Memory<T> AsMemory<T>(NDArray array, string name)
        where T : unmanaged => new Manager<T>(array, CheckedLength<T>(array, name)).Memory;

    private static int CheckedLength<T>(NDArray array, string name)
        where T : unmanaged
    {
        if (array.dtype != typeof(T))
        {
            throw new InvalidOperationException(
                $"`{name}` holds {array.dtype.Name} values, not {typeof(T).Name}: ask for {array.dtype.Name} (shape {Shapes.Format(array.shape)}).");
        }

        if (!array.Shape.IsContiguous)
        {
            throw new InvalidOperationException($"`{name}` is not contiguous, so it has no single span.");
        }

        return array.size <= int.MaxValue
            ? (int)array.size
            : throw new InvalidOperationException($"`{name}` has {array.size} elements, more than a span can hold.");
    }

    /// <summary>Memory over unmanaged NDArray storage; holding the array keeps that storage alive.</summary>
    private sealed class Manager<T> : MemoryManager<T>
        where T : unmanaged
    {
        [NDBorrowed] // the batch owns (and disposes) the array; we only keep it reachable
        private readonly NDArray _array;
        private readonly int _length;

        public Manager(NDArray array, int length)
        {
            _array = array;
            _length = length;
        }

        public override Span<T> GetSpan() => new((void*)_array.Unsafe.Address, _length);

        // NumSharp storage never moves (unmanaged, or a managed array it pinned), so pinning is a no-op.
        public override MemoryHandle Pin(int elementIndex = 0) => new((T*)_array.Unsafe.Address + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
