using Keras.Preprocessing.Memory.Execution;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// A batch left in device memory (what <see cref="NumpyArrayIterator.next_on_device"/> returns), for
/// consumers that take device memory, like a TensorFlow tensor placed on the GPU: a plain device pointer with
/// its <see cref="shape"/>, <see cref="dtype"/>, CUDA context and stream. The images are float32 in the
/// iterator's data format; labels and sample weights stay on the host as in a <see cref="Batch"/>.
/// </summary>
/// <remarks>
/// <para>The batch is complete when <c>next_on_device()</c> returns: no wait on <see cref="cuda_stream"/> is needed.</para>
/// <para>The memory belongs to the CUDA context <see cref="cuda_context"/>, which ILGPU creates for the device; it
/// is not the device's primary context that the CUDA runtime, PyTorch (TorchSharp) and TensorFlow use. A kernel
/// in another context must not read <see cref="native_pointer"/> directly. Copy the batch into your own tensor
/// with <c>cuMemcpyPeerAsync(dst, yourContext, native_pointer, cuda_context, size * 4, yourStream)</c> (or, with
/// unified addressing, <c>cudaMemcpyAsync(dst, native_pointer, size * 4, cudaMemcpyDefault, yourStream)</c>),
/// then dispose the batch once that copy has finished (synchronize your stream first).</para>
/// <para>The library leaves the calling thread's current CUDA context as it found it: each call makes ILGPU's
/// context current for its own driver calls and then puts back the one that was current before (none, or the
/// primary context your framework uses), so your framework's calls on this thread never run in ILGPU's context.</para>
/// <para>Dispose hands the device buffer back: the next <c>next_on_device()</c> may overwrite it at once. Never
/// dispose a batch while work you queued on your own stream may still read it. The buffer is freed with the
/// iterator, so use the batch before disposing the iterator that made it.</para>
/// </remarks>
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

    /// <summary>The element type of the images: always "float32" (Keras's <c>batch_x.dtype</c>).</summary>
    public string dtype => "float32";

    /// <summary>
    /// The CUDA context (a <c>CUcontext</c>) that owns <see cref="native_pointer"/>: ILGPU's own context for the
    /// device, not the primary context (see the remarks for how to copy across). Zero when not on CUDA.
    /// </summary>
    public IntPtr cuda_context
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _images.Context;
        }
    }

    /// <summary>
    /// The CUDA stream (a <c>CUstream</c>, in <see cref="cuda_context"/>) the batch was written on. Its work for
    /// this batch has finished when <c>next_on_device()</c> returns; the stream is reused for later batches. Zero
    /// when not on CUDA.
    /// </summary>
    public IntPtr cuda_stream
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _images.Stream;
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

    /// <summary>
    /// Hands the device buffer back for reuse: the next batch may overwrite it at once, so only dispose once nothing
    /// you queued may still read it; <see cref="native_pointer"/> must not be used afterwards.
    /// </summary>
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
