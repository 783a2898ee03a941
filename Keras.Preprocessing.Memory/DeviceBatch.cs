using ILGPU;
using ILGPU.Runtime;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// A batch left in device memory (what <see cref="NumpyArrayIterator.next_on_device"/> returns), for
/// consumers that take device memory, like a TensorFlow tensor placed on the GPU. The images are float32 in the
/// iterator's data format; labels and sample weights stay on the host as in a <see cref="Batch"/>.
/// Dispose it to hand its device buffer back for the next batch. The buffer is freed with the iterator, so use
/// the batch before disposing the iterator that made it.
/// </summary>
public sealed class DeviceBatch : IDisposable
{
    private readonly Action<MemoryBuffer1D<float, Stride1D.Dense>> _return;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _buffer;
    private int _disposed;

    internal DeviceBatch(
        MemoryBuffer1D<float, Stride1D.Dense> buffer,
        long[] shape,
        string device,
        NDArray? y,
        NDArray? sampleWeight,
        int[] indexArray,
        Action<MemoryBuffer1D<float, Stride1D.Dense>> onDispose)
    {
        _buffer = buffer;
        _return = onDispose;
        this.shape = shape;
        this.device = device;
        this.y = y;
        sample_weight = sampleWeight;
        index_array = indexArray;
        size = shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>The images on the device: an ILGPU view of <see cref="size"/> float32 values, laid out as <see cref="shape"/>.</summary>
    public ArrayView1D<float, Stride1D.Dense> x
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _buffer.View.SubView(0, size);
        }
    }

    /// <summary>The batch's shape (Keras <c>batch_x.shape</c>): (batch, rows, cols, channels) or channels first.</summary>
    public long[] shape { get; }

    /// <summary>Number of float32 values in the batch.</summary>
    public long size { get; }

    /// <summary>The device holding the batch ("cuda:0", ...), as TensorFlow's <c>tensor.device</c>.</summary>
    public string device { get; }

    /// <summary>The ILGPU accelerator the buffer belongs to.</summary>
    public Accelerator accelerator => _buffer.Accelerator;

    /// <summary>The raw device address of the first value (a CUDA device pointer), for interop with other GPU libraries.</summary>
    public IntPtr native_pointer => _buffer.NativePtr;

    /// <summary>The labels of the batch, or null.</summary>
    public NDArray? y { get; }

    /// <summary>The sample weights of the batch, or null.</summary>
    public NDArray? sample_weight { get; }

    /// <summary>Which samples this batch holds, in order.</summary>
    public int[] index_array { get; }

    /// <summary>Copies the images to the host as a float32 NDArray (TensorFlow's <c>tensor.numpy()</c>).</summary>
    public NDArray numpy()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _buffer.Accelerator.Bind(); // the caller's thread may not have the device's context yet
        var host = _buffer.View.SubView(0, size).GetAsArray1D();
        return new NDArray(host, new Shape(shape));
    }

    /// <summary>Hands the device buffer back for reuse; <see cref="x"/> must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            y?.Dispose();
            sample_weight?.Dispose();
            _return(_buffer);
        }
    }
}
