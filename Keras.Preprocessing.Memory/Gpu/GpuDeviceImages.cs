using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Execution;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>A batch left in a GPU executor's device memory; disposing it returns the buffer to the executor's pool.</summary>
internal sealed class GpuDeviceImages : IDeviceImages
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _buffer;
    private readonly Action<MemoryBuffer1D<float, Stride1D.Dense>> _return;
    private int _disposed;

    public GpuDeviceImages(MemoryBuffer1D<float, Stride1D.Dense> buffer, long length, IntPtr stream, Action<MemoryBuffer1D<float, Stride1D.Dense>> onDispose)
    {
        _buffer = buffer;
        _return = onDispose;
        Length = length;
        Stream = stream;
        Context = buffer.Accelerator is CudaAccelerator cuda ? cuda.NativePtr : IntPtr.Zero;
    }

    public long Length { get; }

    public IntPtr NativePointer => _buffer.NativePtr;

    /// <summary>ILGPU's own CUDA context for the device (ILGPU 1.5 creates one; it cannot adopt the primary context).</summary>
    public IntPtr Context { get; }

    public IntPtr Stream { get; }

    /// <summary>The values as an ILGPU view (internal: the public surface does not expose ILGPU types).</summary>
    public ArrayView1D<float, Stride1D.Dense> View
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _buffer.View.SubView(0, Length);
        }
    }

    public float[] Download()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using var scope = DeviceContextScope.Enter(_buffer.Accelerator); // the caller's thread may hold another context
        return PinnedCopies.Download<float>(_buffer.View.SubView(0, Length));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _return(_buffer);
        }
    }
}
