using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>What a <see cref="DeviceContextScope"/> asks of the driver (the driver itself, or a test's stand-in).</summary>
internal interface ICurrentContext
{
    /// <summary>The context current on this thread (0: none).</summary>
    nint Get();

    /// <summary>Makes <paramref name="context"/> current on this thread (0: none).</summary>
    void Set(nint context);
}

/// <summary>
/// Makes a device's CUDA context current on the calling thread for the length of one call into the library, and
/// puts back whatever context was current before. Every entry point that reaches the driver opens one.
/// </summary>
/// <remarks>
/// <para>Why not ILGPU's <c>Accelerator.Bind()</c> alone: ILGPU remembers the bound accelerator per thread and
/// skips <c>cuCtxSetCurrent</c> when it thinks its context is still current. A consumer on the same thread
/// (TorchSharp, TensorFlow: <c>cudaSetDevice</c> makes the primary context current) changes the context behind
/// ILGPU's back, and the next batch's allocations and launches would then go to that context: an
/// invalid-handle error, or device memory allocated where ILGPU's kernels cannot read it.</para>
/// <para>Why put the old one back: ILGPU's context is a private one (<c>cuCtxCreate</c>), and the CUDA runtime
/// uses whatever driver context is current on a thread. Left current after <c>flow()</c> or <c>next()</c>, it
/// would become the context of the user's later PyTorch or TensorFlow calls on that thread.</para>
/// <para>Off CUDA (ILGPU's CPU accelerator) the scope only binds the accelerator.</para>
/// </remarks>
internal readonly struct DeviceContextScope : IDisposable
{
    private readonly ICurrentContext? _api;
    private readonly nint _previous;
    private readonly nint _context;

    private DeviceContextScope(ICurrentContext api, nint previous, nint context)
    {
        _api = api;
        _previous = previous;
        _context = context;
    }

    /// <summary>Makes <paramref name="accelerator"/>'s context current until the scope is disposed.</summary>
    public static DeviceContextScope Enter(Accelerator accelerator)
    {
        if (accelerator.IsDisposed)
        {
            return default; // released with the device cache: ILGPU frees what is left without a context
        }

        if (accelerator is not CudaAccelerator cuda)
        {
            accelerator.Bind();
            return default;
        }

        // The driver's view first: ILGPU's Bind may clear the thread's context while switching accelerators.
        var scope = Enter(cuda.NativePtr, DriverContext.Instance);
        accelerator.Bind();
        return scope;
    }

    /// <summary>Makes <paramref name="context"/> current through <paramref name="api"/>, remembering the one it replaces.</summary>
    internal static DeviceContextScope Enter(nint context, ICurrentContext api)
    {
        nint previous = api.Get();
        if (previous != context)
        {
            api.Set(context);
        }

        return new DeviceContextScope(api, previous, context);
    }

    /// <summary>Puts back the context that was current when the scope was entered (nothing when it was this one).</summary>
    public void Dispose()
    {
        if (_api is null || _previous == _context)
        {
            return;
        }

        try
        {
            _api.Set(_previous);
        }
        catch (InvalidOperationException)
        {
            // The previous context was destroyed meanwhile (its owner shut down): leave none rather than fail the
            // call, and never let a failure here replace the exception a failed call is already throwing.
            try
            {
                _api.Set(0);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private sealed class DriverContext : ICurrentContext
    {
        public static readonly DriverContext Instance = new();

        public nint Get() => CudaDriver.GetCurrentContext();

        public void Set(nint context) => CudaDriver.SetCurrentContext(context);
    }
}
