using ILGPU;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The resident dataset copies of one device, kept across iterators: a training loop that calls <c>flow(x)</c>
/// every epoch uploads x once, not every epoch. An entry is keyed by the caller's NDArray object itself (held
/// weakly, so the cache never keeps an array alive) and checked against its address, size, dtype and shape: a
/// new array at a freed array's address is a different object, so it never finds the old copy. The copy of an
/// array nobody iterates over any more is kept until another dataset comes to the device
/// (<see cref="ReleaseUnusedExcept"/>), its array is collected, or the device is released. Like a resident copy
/// within one iterator, it does not see in-place changes made to the array after the upload.
/// </summary>
internal sealed class DatasetCache : IDisposable
{
    private readonly object _lock = new();
    private readonly List<Entry> _entries = [];

    /// <summary>Whether a copy of <paramref name="images"/> is on the device now.</summary>
    public bool Holds(ImageArray images)
    {
        lock (_lock)
        {
            return Find(images) is not null;
        }
    }

    /// <summary>The device copy of <paramref name="images"/> if there is one (the caller now shares it), else null.</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense>? Rent(ImageArray images)
    {
        lock (_lock)
        {
            var entry = Find(images);
            if (entry is null)
            {
                return null;
            }

            entry.Users++;
            return entry.Buffer;
        }
    }

    /// <summary>Adds the copy of <paramref name="images"/> just uploaded, shared by its caller.</summary>
    public void Add(ImageArray images, MemoryBuffer1D<byte, Stride1D.Dense> buffer)
    {
        lock (_lock)
        {
            _entries.Add(new Entry(images, buffer) { Users = 1 });
        }
    }

    /// <summary>Gives a share back; the copy stays for the next iterator over the same array.</summary>
    public void Return(MemoryBuffer1D<byte, Stride1D.Dense> buffer)
    {
        lock (_lock)
        {
            var entry = _entries.FirstOrDefault(e => ReferenceEquals(e.Buffer, buffer));
            if (entry is not null)
            {
                entry.Users--;
                return;
            }
        }

        buffer.Dispose(); // not cached (cannot happen; never leak it)
    }

    /// <summary>
    /// Frees the copies no iterator uses, except that of <paramref name="keep"/> (about to be reused), and those
    /// whose array is gone: a new dataset coming to the device gets the memory they held.
    /// </summary>
    public void ReleaseUnusedExcept(ImageArray? keep)
    {
        List<Entry> freed;
        lock (_lock)
        {
            var kept = keep is null ? null : Find(keep);
            freed = _entries.Where(e => e.Users <= 0 && !ReferenceEquals(e, kept)).ToList();
            _entries.RemoveAll(freed.Contains);
        }

        foreach (var entry in freed)
        {
            entry.Buffer.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                entry.Buffer.Dispose();
            }

            _entries.Clear();
        }
    }

    private Entry? Find(ImageArray images)
    {
        foreach (var entry in _entries)
        {
            if (entry.Matches(images))
            {
                return entry;
            }
        }

        return null;
    }

    private sealed unsafe class Entry(ImageArray images, MemoryBuffer1D<byte, Stride1D.Dense> buffer)
    {
        private readonly WeakReference<NDArray> _owner = new(images.Array);
        private readonly nint _address = (nint)images.Address;
        private readonly ElementKind _kind = images.Kind;
        private readonly int _count = images.Count;
        private readonly int[] _shape = images.Geometry.Shape;

        public MemoryBuffer1D<byte, Stride1D.Dense> Buffer { get; } = buffer;

        public int Users { get; set; }

        public bool Matches(ImageArray images) =>
            _owner.TryGetTarget(out var owner) && ReferenceEquals(owner, images.Array)
            && _address == (nint)images.Address && _kind == images.Kind && _count == images.Count
            && _shape.AsSpan().SequenceEqual(images.Geometry.Shape);
    }
}
