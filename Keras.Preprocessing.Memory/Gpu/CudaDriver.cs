using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using ILGPU.Runtime.Cuda;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The CUDA driver library as drivers install it, and the few driver calls the library makes itself (ILGPU has
/// no <c>cuCtxGetCurrent</c>, and its <c>cuInit</c> wrapper answers only yes or no).
/// </summary>
/// <remarks>
/// ILGPU 1.5 imports the driver as <c>[DllImport("cuda")]</c>, which .NET probes on Linux as <c>libcuda.so</c>:
/// a name only the CUDA toolkit's development files (or some distribution packages) create. A driver-only
/// machine, and a container that gets the driver from the NVIDIA container runtime, has <c>libcuda.so.1</c>
/// alone; there ILGPU would see no CUDA at all and "auto" would quietly use the CPU.
/// <see cref="LetIlgpuFindTheDriver"/> resolves ILGPU's import to <c>libcuda.so.1</c> when the usual probing
/// fails (through <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/>, which allows several handlers and
/// runs only after the default probing, so it does not collide with the resolver ILGPU sets for WSL).
/// </remarks>
internal static unsafe class CudaDriver
{
    private static readonly object Gate = new();
    private static bool _resolving;
    private static nint _handle;
    private static delegate* unmanaged<nint*, int> _getCurrent;
    private static delegate* unmanaged<nint, int> _setCurrent;

    /// <summary>The names the driver library goes by here, tried in order.</summary>
    public static string[] LibraryNames { get; } = OperatingSystem.IsWindows() ? [CudaAPI.LibNameWindows] : ["libcuda.so.1", "libcuda.so"];

    /// <summary>
    /// Points ILGPU's <c>cuda</c> import at <c>libcuda.so.1</c> when nothing else finds it. Call before anything
    /// touches <see cref="CudaAPI.CurrentAPI"/> (ILGPU binds the library once, on first use); idempotent.
    /// </summary>
    public static void LetIlgpuFindTheDriver()
    {
        lock (Gate)
        {
            if (!_resolving)
            {
                AssemblyLoadContext.Default.ResolvingUnmanagedDll += (assembly, name) => Resolve(assembly, name, LibraryNames);
                _resolving = true;
            }
        }
    }

    /// <summary>
    /// The library for ILGPU's import <paramref name="name"/> from <paramref name="assembly"/>: the first of
    /// <paramref name="candidates"/> that loads when the import is ILGPU's driver import, else 0 (someone else's).
    /// </summary>
    internal static nint Resolve(Assembly assembly, string name, IReadOnlyList<string> candidates)
    {
        if (assembly != typeof(CudaAPI).Assembly || !string.Equals(name, CudaAPI.LibNameLinux, StringComparison.Ordinal))
        {
            return 0;
        }

        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out nint handle))
            {
                return handle;
            }
        }

        return 0;
    }

    /// <summary>
    /// The driver's own <c>cuInit(0)</c> status (CUDA_ERROR_NO_DEVICE means "no device", not a failure to report).
    /// Throws <see cref="DllNotFoundException"/> when no driver library is installed.
    /// </summary>
    public static int Init()
    {
        var cuInit = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(Handle(), "cuInit");
        return cuInit(0);
    }

    /// <summary>The context current on this thread (<c>cuCtxGetCurrent</c>); 0 for none.</summary>
    public static nint GetCurrentContext()
    {
        Bind();
        nint context;
        int status = _getCurrent(&context);
        return status == (int)CudaError.CUDA_SUCCESS
            ? context
            : throw new InvalidOperationException($"the driver's cuCtxGetCurrent failed with {(CudaError)status}");
    }

    /// <summary>Makes <paramref name="context"/> (0: none) current on this thread (<c>cuCtxSetCurrent</c>).</summary>
    public static void SetCurrentContext(nint context)
    {
        Bind();
        int status = _setCurrent(context);
        if (status != (int)CudaError.CUDA_SUCCESS)
        {
            throw new InvalidOperationException($"the driver's cuCtxSetCurrent failed with {(CudaError)status}");
        }
    }

    private static nint Handle()
    {
        lock (Gate)
        {
            if (_handle == 0)
            {
                foreach (string name in LibraryNames)
                {
                    if (NativeLibrary.TryLoad(name, typeof(CudaDriver).Assembly, null, out nint handle))
                    {
                        _handle = handle;
                        break;
                    }
                }

                if (_handle == 0)
                {
                    throw new DllNotFoundException(string.Join(" or ", LibraryNames));
                }
            }

            return _handle;
        }
    }

    private static void Bind()
    {
        if (_setCurrent != null)
        {
            return;
        }

        lock (Gate)
        {
            if (_setCurrent == null)
            {
                nint handle = Handle();
                _getCurrent = (delegate* unmanaged<nint*, int>)NativeLibrary.GetExport(handle, "cuCtxGetCurrent");
                _setCurrent = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(handle, "cuCtxSetCurrent");
            }
        }
    }
}
