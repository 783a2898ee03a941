using Keras.Preprocessing.Memory.Execution;
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
    private readonly IDeviceImages _images;
    private int _disposed;

    internal DeviceBatch(IDeviceImages images, long[] shape, string device, NDArray? y, NDArray? sampleWeight, int[] indexArray)
    {
        _images = images;
        this.shape = shape;
        this.device = device;
        this.y = y;
        sample_weight = sampleWeight;
        index_array = indexArray;
        size = shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>The batch's shape (Keras <c>batch_x.shape</c>): (batch, rows, cols, channels) or channels first.</summary>
    public long[] shape { get; }

    /// <summary>Number of float32 values in the batch.</summary>
    public long size { get; }

    /// <summary>The device holding the batch ("cuda:0", ...), as TensorFlow's <c>tensor.device</c>.</summary>
    public string device { get; }

    /// <summary>
    /// The raw device address of the first value (a CUDA device pointer), for interop with other GPU libraries:
    /// <see cref="size"/> float32 values laid out as <see cref="shape"/>.
    /// </summary>
    public IntPtr native_pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _images.NativePointer;
        }
    }

    /// <summary>The labels of the batch, or null.</summary>
    public NDArray? y { get; }

    /// <summary>The sample weights of the batch, or null.</summary>
    public NDArray? sample_weight { get; }

    /// <summary>Which samples this batch holds, in order.</summary>
    public int[] index_array { get; }

    /// <summary>The device memory behind the batch (internal: the public surface names no ILGPU type).</summary>
    internal IDeviceImages Images => _images;

    /// <summary>Copies the images to the host as a float32 NDArray (TensorFlow's <c>tensor.numpy()</c>).</summary>
    public NDArray numpy()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return new NDArray(_images.Download(), new Shape(shape));
    }

    /// <summary>Hands the device buffer back for reuse; <see cref="native_pointer"/> must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            y?.Dispose();
            sample_weight?.Dispose();
            _images.Dispose();
        }
    }
}
