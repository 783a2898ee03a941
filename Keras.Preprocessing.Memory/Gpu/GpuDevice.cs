using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// One ILGPU accelerator and its compiled kernels, shared by every executor on that device: a CUDA context and
/// the JIT of the kernels cost far more than a batch, so they are made once and released with the last user.
/// </summary>
internal sealed class GpuDevice
{
    private static readonly object RegistryGate = new();
    private static readonly Dictionary<DeviceSpec, GpuDevice> Registry = [];

    private readonly ConcurrentDictionary<(Type Source, FillMode Mode), Delegate> _warpKernels = new();
    private readonly ConcurrentDictionary<(Type Source, FillMode Mode), SplineLaunchers> _splineKernels = new();
    private readonly Lazy<Action<AcceleratorStream, KernelConfig, KernelViews>> _statistics;
    private readonly Lazy<Action<AcceleratorStream, Index1D, KernelViews>> _finish;
    private readonly Lazy<Action<AcceleratorStream, Index1D, KernelViews, ArrayView<float>, ArrayView<float>>> _whiten;
    private readonly Context _context;
    private int _users;

    private GpuDevice(DeviceSpec spec)
    {
        Spec = spec;
        if (spec.Kind == DeviceKind.IlgpuCpu)
        {
            _context = Context.Create(builder => builder.CPU());
            Accelerator = _context.CreateCPUAccelerator(0);
        }
        else
        {
            _context = Context.Create(builder => builder.Cuda());
            try
            {
                Accelerator = _context.CreateCudaAccelerator(spec.Index);
            }
            catch
            {
                _context.Dispose();
                throw;
            }
        }

        // The reduction's tree wants a power of two no larger than the shared scratch or the device's groups.
        int limit = Math.Min(AugmentationKernels.GroupCapacity, Accelerator.MaxNumThreadsPerGroup);
        StatisticsGroupSize = 1 << (31 - int.LeadingZeroCount(Math.Max(1, limit)));
        _statistics = new(() => Accelerator.LoadKernel<KernelViews>(AugmentationKernels.ComputeStatistics));
        _finish = new(() => Accelerator.LoadAutoGroupedKernel<Index1D, KernelViews>(AugmentationKernels.Finish));
        _whiten = new(() => Accelerator.LoadAutoGroupedKernel<Index1D, KernelViews, ArrayView<float>, ArrayView<float>>(AugmentationKernels.Whiten));
    }

    /// <summary>Which device this is.</summary>
    public DeviceSpec Spec { get; }

    /// <summary>The name executors report: "cuda:N" or "ilgpu-cpu".</summary>
    public string Name => Spec.ToString();

    /// <summary>The ILGPU accelerator.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Threads per group of the statistics kernel (a power of two).</summary>
    public int StatisticsGroupSize { get; }

    /// <summary>Gets the shared device for <paramref name="spec"/>, creating it for its first user.</summary>
    public static GpuDevice Acquire(DeviceSpec spec)
    {
        lock (RegistryGate)
        {
            if (!Registry.TryGetValue(spec, out var device))
            {
                device = new GpuDevice(spec);
                Registry[spec] = device;
            }

            device._users++;
            return device;
        }
    }

    /// <summary>
    /// Launches the warp kernel, specialised for the source's dtype and the fill mode (each combination compiled on
    /// first use, so a flow loads only the one it needs), on one thread per output pixel.
    /// </summary>
    /// <remarks>
    /// Orders 2-5 run the spline kernels instead (<see cref="SplineKernels"/>): pad, prefilter along columns then
    /// rows into <paramref name="splineCoefficients"/>, then sample.
    /// </remarks>
    public void Warp<TSource>(AcceleratorStream stream, int pixels, TSource source, KernelViews views, FillMode mode, ArrayView<double> splineCoefficients = default)
        where TSource : struct, IElementReader
    {
        if (views.Arguments.Order >= 2)
        {
            var spline = _splineKernels.GetOrAdd(
                (typeof(TSource), mode),
                key =>
                {
                    var loader = new SplineKernelLoader<TSource>(Accelerator);
                    return BoundaryModes.Dispatch<SplineKernelLoader<TSource>, SplineLaunchers>(key.Mode, ref loader);
                });
            var g = views.Arguments.Geometry;
            int pad = BoundaryModes.PrefilterPadOf(mode);
            int samples = pixels / (g.Rows * g.Cols);
            int planes = samples * g.Channels;
            ((Action<AcceleratorStream, Index1D, TSource, KernelViews, ArrayView<double>>)spline.Pad)(stream, (int)splineCoefficients.Length, source, views, splineCoefficients);
            var filter = (Action<AcceleratorStream, Index1D, KernelViews, ArrayView<double>, int>)spline.Filter;
            filter(stream, planes * (g.Cols + (2 * pad)), views, splineCoefficients, 1);
            filter(stream, planes * (g.Rows + (2 * pad)), views, splineCoefficients, 0);
            ((Action<AcceleratorStream, Index1D, TSource, KernelViews, ArrayView<double>>)spline.Warp)(stream, pixels, source, views, splineCoefficients);
            return;
        }

        var launch = (Action<AcceleratorStream, Index1D, TSource, KernelViews>)_warpKernels.GetOrAdd(
            (typeof(TSource), mode),
            key =>
            {
                var loader = new WarpKernelLoader<TSource>(Accelerator);
                return BoundaryModes.Dispatch<WarpKernelLoader<TSource>, Delegate>(key.Mode, ref loader);
            });
        launch(stream, pixels, source, views);
    }

    /// <summary>Launches the statistics kernel: one group of <see cref="StatisticsGroupSize"/> threads per image.</summary>
    public void ComputeStatistics(AcceleratorStream stream, int images, KernelViews views) =>
        _statistics.Value(stream, new KernelConfig(images, StatisticsGroupSize), views);

    /// <summary>Launches the finishing kernel on one thread per element.</summary>
    public void Finish(AcceleratorStream stream, int elements, KernelViews views) =>
        _finish.Value(stream, elements, views);

    /// <summary>Launches the ZCA kernel on one thread per element: <see cref="KernelViews.Images"/> times the components into <paramref name="output"/>.</summary>
    public void Whiten(AcceleratorStream stream, int elements, KernelViews views, ArrayView<float> components, ArrayView<float> output) =>
        _whiten.Value(stream, elements, views, components, output);

    /// <summary>Loads <see cref="AugmentationKernels.Warp{TSource, TMode}"/> for the mode's strategy type.</summary>
    private readonly struct WarpKernelLoader<TSource>(Accelerator accelerator) : IBoundaryModeVisitor<Delegate>
        where TSource : struct, IElementReader
    {
        public Delegate Visit<TMode>()
            where TMode : struct, IBoundaryMode =>
            accelerator.LoadAutoGroupedKernel<Index1D, TSource, KernelViews>(AugmentationKernels.Warp<TSource, TMode>);
    }

    /// <summary>The three spline kernels of one (dtype, mode), loaded together on first use.</summary>
    private sealed record SplineLaunchers(Delegate Pad, Delegate Filter, Delegate Warp);

    /// <summary>Loads <see cref="SplineKernels"/> for the mode's strategy type.</summary>
    private readonly struct SplineKernelLoader<TSource>(Accelerator accelerator) : IBoundaryModeVisitor<SplineLaunchers>
        where TSource : struct, IElementReader
    {
        public SplineLaunchers Visit<TMode>()
            where TMode : struct, IBoundaryMode => new(
            accelerator.LoadAutoGroupedKernel<Index1D, TSource, KernelViews, ArrayView<double>>(SplineKernels.Pad<TSource, TMode>),
            accelerator.LoadAutoGroupedKernel<Index1D, KernelViews, ArrayView<double>, int>(SplineKernels.FilterLines<TMode>),
            accelerator.LoadAutoGroupedKernel<Index1D, TSource, KernelViews, ArrayView<double>>(SplineKernels.WarpSpline<TSource, TMode>));
    }

    /// <summary>Gives a user's share back; the last one disposes the accelerator and context.</summary>
    public void Release()
    {
        lock (RegistryGate)
        {
            if (--_users > 0)
            {
                return;
            }

            Registry.Remove(Spec);
        }

        Accelerator.Dispose();
        _context.Dispose();
    }
}
