using System.Runtime.InteropServices;
using ILGPU.Runtime;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The iterator's output arrays, page-locked once so a batch downloads straight into them. The iterators' pool
/// reuses a handful of arrays (on the pinned heap), so registering each once (<c>cuMemHostRegister</c>, a few
/// milliseconds) pays for itself within an epoch and saves a host copy of every batch. An array is pinned
/// here with a GC handle for as long as it is registered (until the executor is disposed, after its lanes are
/// drained), whatever heap it came from. At most <see cref="Capacity"/> arrays are registered; others, and any
/// the driver refuses (a page already registered by a neighbouring array), go through the lane's page-locked
/// buffer instead.
/// </summary>
internal sealed class RegisteredOutputs : IDisposable
{
    /// <summary>Arrays registered at most: the pool's arrays in flight with prefetch, with room to spare.</summary>
    public const int Capacity = 8;

    private readonly Accelerator _accelerator;
    private readonly object _lock = new();
    private readonly Dictionary<float[], Registration?> _registered = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    public RegisteredOutputs(Accelerator accelerator)
    {
        _accelerator = accelerator;
    }

    /// <summary>
    /// The address of <paramref name="output"/> when it is (or now becomes) pinned and page-locked, else null:
    /// the caller then downloads through its lane's page-locked buffer.
    /// </summary>
    public IntPtr? TryGet(float[] output)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return null;
            }

            if (_registered.TryGetValue(output, out var known))
            {
                return known?.Address;
            }

            if (_registered.Count >= Capacity)
            {
                return null;
            }

            var handle = GCHandle.Alloc(output, GCHandleType.Pinned);
            try
            {
                var scope = _accelerator.CreatePageLockFromPinned<float>(handle.AddrOfPinnedObject(), output.Length);
                var registration = new Registration(handle, scope);
                _registered[output] = registration;
                return registration.Address;
            }
            catch (Exception e) when (e is AcceleratorException or NotSupportedException or ArgumentException)
            {
                handle.Free();
                _registered[output] = null; // refused: do not ask the driver again for this array
                return null;
            }
        }
    }

    /// <summary>Unregisters and unpins every array; call after the lanes are drained.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var registration in _registered.Values)
            {
                registration?.Release();
            }

            _registered.Clear();
        }
    }

    private sealed class Registration(GCHandle handle, PageLockScope<float> scope)
    {
        public IntPtr Address { get; } = handle.AddrOfPinnedObject();

        public void Release()
        {
            scope.Dispose(); // unregister before the pin goes: the pages must not move while the driver holds them
            handle.Free();
        }
    }
}
