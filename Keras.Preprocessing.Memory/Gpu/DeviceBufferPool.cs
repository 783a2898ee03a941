using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// Device buffers of whole batches left on the device (<c>next_on_device</c>), kept by length for reuse once
/// the caller disposes the batch that held one.
/// </summary>
internal sealed class DeviceBufferPool : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly string _deviceName;
    private readonly ConcurrentDictionary<long, ConcurrentBag<MemoryBuffer1D<float, Stride1D.Dense>>> _free = new();
    private readonly object _lock = new();
    private bool _disposed;

    public DeviceBufferPool(Accelerator accelerator, string deviceName)
    {
        _accelerator = accelerator;
        _deviceName = deviceName;
    }

    /// <summary>A buffer of <paramref name="length"/> floats: a returned one when there is one, else a new one.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Rent(long length)
    {
        if (!_free.TryGetValue(length, out var bag) || !bag.TryTake(out var buffer))
        {
            try
            {
                buffer = _accelerator.Allocate1D<float>(length);
            }
            catch (Exception e) when (e is AcceleratorException or OutOfMemoryException)
            {
                throw new InvalidOperationException(
                    $"device \"{_deviceName}\": no memory left for another device batch of {MemoryPlanner.FormatMib(length * sizeof(float))}; " +
                    "dispose the device batches you no longer need.", e);
            }
        }

        if (DeviceMemoryPoison.Enabled)
        {
            // On the default stream, which the lanes' non-blocking streams do not wait for: finished here.
            DeviceMemoryPoison.Apply<float>(buffer.View, _accelerator.DefaultStream);
            _accelerator.DefaultStream.Synchronize();
        }

        return buffer;
    }

    /// <summary>Takes a buffer back for reuse (or frees it, once the pool is disposed).</summary>
    public void Return(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        lock (_lock)
        {
            // Under the lock: a buffer added after Dispose emptied the pool would never be freed.
            if (_disposed)
            {
                buffer.Dispose();
                return;
            }

            _free.GetOrAdd(buffer.Length, _ => []).Add(buffer);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var bag in _free.Values)
            {
                while (bag.TryTake(out var buffer))
                {
                    buffer.Dispose();
                }
            }
        }
    }
}
