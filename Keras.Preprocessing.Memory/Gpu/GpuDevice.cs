using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// One ILGPU accelerator and its compiled kernels, shared by every executor on that device for the life of the
/// process (a device cache): a CUDA context and the JIT of the kernels cost far more than a batch, and a training
/// loop that calls <c>flow()</c> every epoch must not pay them every epoch. A device is made on first use and
/// kept; its per-executor memory (datasets, lanes, device batches) is freed with each executor.
/// </summary>
internal sealed class GpuDevice
{
    private static readonly object RegistryGate = new();
    private static readonly Dictionary<DeviceSpec, GpuDevice> Registry = [];

    private readonly ConcurrentDictionary<(Type Source, FillMode Mode, int Order), Delegate> _warpKernels = new();
    private readonly ConcurrentDictionary<(Type Source, FillMode Mode, int Order), SplineLaunchers> _splineKernels = new();
    private readonly Lazy<Action<AcceleratorStream, KernelConfig, KernelViews, int>> _statistics;
    private readonly Lazy<Action<AcceleratorStream, Index1D, KernelViews>> _combine;
    private readonly Lazy<Action<AcceleratorStream, Index1D, KernelViews>> _finish;
    private readonly Lazy<Action<AcceleratorStream, Index1D, KernelViews, ArrayView<float>, ArrayView<float>>> _whiten;
    private static readonly Lazy<Context> SharedCuda = new(CreateCudaContext);
    private static int _cudaContextsCreated;

    private readonly Context? _cpuContext;
    private int _users;

    private GpuDevice(DeviceSpec spec)
    {
        Spec = spec;
        if (spec.Kind == DeviceKind.IlgpuCpu)
        {
            // Index 1: groups shaped as CUDA's (warps of 32, 256 threads a group), so the statistics kernel runs
            // with the group size it has on hardware; index 0: ILGPU's default (warps of 4, 16 threads), quicker.
            var cpu = spec.Index == DeviceSpec.CudaShapedCpu ? new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1) : CPUDevice.Default;
            _cpuContext = Context.Create(builder => builder.CPU(cpu));
            Accelerator = _cpuContext.CreateCPUAccelerator(0);
        }
        else
        {
            // cuCtxCreate leaves the new context current on this thread (the user's): put back what was there.
            var context = CudaContext;
            nint previous = CudaDriver.GetCurrentContext();
            try
            {
                Accelerator = context.CreateCudaAccelerator(spec.Index);
            }
            finally
            {
                CudaDriver.SetCurrentContext(previous);
            }
        }

        // The reduction's tree wants a power of two no larger than the shared scratch or the device's groups.
        int limit = Math.Min(AugmentationKernels.GroupCapacity, Accelerator.MaxNumThreadsPerGroup);
        StatisticsGroupSize = 1 << (31 - int.LeadingZeroCount(Math.Max(1, limit)));
        _statistics = new(() => Accelerator.LoadKernel<KernelViews, int>(AugmentationKernels.ReduceStatistics));
        _combine = new(() => Accelerator.LoadAutoGroupedKernel<Index1D, KernelViews>(AugmentationKernels.CombineStatistics));
        _finish = new(() => Accelerator.LoadAutoGroupedKernel<Index1D, KernelViews>(AugmentationKernels.Finish));
        _whiten = new(() => Accelerator.LoadAutoGroupedKernel<Index1D, KernelViews, ArrayView<float>, ArrayView<float>>(AugmentationKernels.Whiten));
    }

    /// <summary>
    /// The process's one ILGPU context for CUDA, shared by the probe and every CUDA device: ILGPU's
    /// <c>builder.Cuda()</c> installs a library resolver for WSL each time it runs, and .NET allows one per
    /// assembly, so a second CUDA context would fail on WSL. It holds no CUDA context itself (accelerators do)
    /// and lives as long as the process.
    /// </summary>
    public static Context CudaContext => SharedCuda.Value;

    /// <summary>How many ILGPU CUDA contexts this process made (tests: one at most).</summary>
    internal static int CudaContextsCreated => Volatile.Read(ref _cudaContextsCreated);

    /// <summary>Which device this is.</summary>
    public DeviceSpec Spec { get; }

    /// <summary>The name executors report: "cuda:N" or "ilgpu-cpu".</summary>
    public string Name => Spec.ToString();

    /// <summary>The ILGPU accelerator.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The dataset copies kept on this device across iterators.</summary>
    public DatasetCache Datasets { get; } = new();

    /// <summary>Threads per group of the statistics kernel (a power of two).</summary>
    public int StatisticsGroupSize { get; }

    /// <summary>Device memory free now, in bytes (the accelerator's total where it cannot say, as ILGPU's CPU accelerator).</summary>
    public long FreeMemory() => Accelerator is CudaAccelerator cuda ? cuda.GetFreeMemory() : Accelerator.MemorySize;

    /// <summary>
    /// Compiles every kernel a batch of <paramref name="kind"/> may launch (once per device and dtype; later calls
    /// find them compiled). Called at <c>flow()</c> so a driver that cannot load them fails where "auto" can still
    /// choose the CPU, not at the first batch.
    /// </summary>
    public void CompileKernels(ElementKind kind, FillMode mode, int order)
    {
        switch (kind)
        {
            case ElementKind.UInt8:
                CompileWarp<UInt8Reader>(mode, order);
                break;
            case ElementKind.UInt16:
                CompileWarp<UInt16Reader>(mode, order);
                break;
            case ElementKind.Int16:
                CompileWarp<Int16Reader>(mode, order);
                break;
            case ElementKind.Int32:
                CompileWarp<Int32Reader>(mode, order);
                break;
            case ElementKind.Float32:
                CompileWarp<Float32Reader>(mode, order);
                break;
            default:
                CompileWarp<Float64Reader>(mode, order);
                break;
        }

        _ = _statistics.Value;
        _ = _combine.Value;
        _ = _finish.Value;
        _ = _whiten.Value;
    }

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
            var spline = SplineKernel<TSource>(mode, views.Arguments.Order);
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

        WarpKernel<TSource>(mode, views.Arguments.Order)(stream, pixels, source, views);
    }

    /// <summary>
    /// The warp kernel (orders 0 and 1) for <typeparamref name="TSource"/>, <paramref name="mode"/> and
    /// <paramref name="order"/>: the one place it is loaded (compiled on first use, then cached), so a flow loads
    /// only the combination it needs.
    /// </summary>
    private Action<AcceleratorStream, Index1D, TSource, KernelViews> WarpKernel<TSource>(FillMode mode, int order)
        where TSource : struct, IElementReader =>
        (Action<AcceleratorStream, Index1D, TSource, KernelViews>)_warpKernels.GetOrAdd(
            (typeof(TSource), mode, order),
            key =>
            {
                var loader = new WarpKernelLoader<TSource>(Accelerator, key.Order);
                return BoundaryModes.Dispatch<WarpKernelLoader<TSource>, Delegate>(key.Mode, ref loader);
            });

    /// <summary>The spline kernels (orders 2-5) for <typeparamref name="TSource"/>, <paramref name="mode"/> and <paramref name="order"/>, loaded together on first use.</summary>
    private SplineLaunchers SplineKernel<TSource>(FillMode mode, int order)
        where TSource : struct, IElementReader =>
        _splineKernels.GetOrAdd(
            (typeof(TSource), mode, order),
            key =>
            {
                var loader = new SplineKernelLoader<TSource>(Accelerator, key.Order);
                return BoundaryModes.Dispatch<SplineKernelLoader<TSource>, SplineLaunchers>(key.Mode, ref loader);
            });

    /// <summary>Compiles the warp (or spline) kernels for one source reader, mode and order.</summary>
    private void CompileWarp<TSource>(FillMode mode, int order)
        where TSource : struct, IElementReader
    {
        if (order >= 2)
        {
            _ = SplineKernel<TSource>(mode, order);
        }
        else
        {
            _ = WarpKernel<TSource>(mode, order);
        }
    }

    /// <summary>
    /// Thread groups per image for the statistics passes: enough groups in the batch to give every multiprocessor
    /// a few (at least 32 groups in all), but no part smaller than four elements per thread.
    /// </summary>
    public int StatisticsParts(int images, int imageSize)
    {
        int wanted = Math.Max(32, 4 * Accelerator.NumMultiprocessors);
        int byBatch = (wanted + images - 1) / Math.Max(1, images);
        int bySize = Math.Max(1, imageSize / (4 * StatisticsGroupSize));
        return Math.Clamp(byBatch, 1, bySize);
    }

    /// <summary>
    /// Queues the statistics passes (<see cref="AugmentationKernels.ReduceStatistics"/> on
    /// <c>StatisticsParts</c> groups of <see cref="StatisticsGroupSize"/> threads per image, then
    /// <see cref="AugmentationKernels.CombineStatistics"/> per image); the samplewise passes only when asked.
    /// </summary>
    public void ComputeStatistics(AcceleratorStream stream, int images, KernelViews views)
    {
        var config = new KernelConfig(images * views.Arguments.StatisticsParts, StatisticsGroupSize);
        _statistics.Value(stream, config, views, 0);
        if (views.Arguments.Samplewise != 0)
        {
            _statistics.Value(stream, config, views, 1);
            if (views.Arguments.SamplewiseStd != 0)
            {
                _statistics.Value(stream, config, views, 2);
            }
        }

        _combine.Value(stream, images, views);
    }

    /// <summary>Launches the finishing kernel on one thread per element.</summary>
    public void Finish(AcceleratorStream stream, int elements, KernelViews views) =>
        _finish.Value(stream, elements, views);

    /// <summary>Launches the ZCA kernel on one thread per element: <see cref="KernelViews.Images"/> times the components into <paramref name="output"/>.</summary>
    public void Whiten(AcceleratorStream stream, int elements, KernelViews views, ArrayView<float> components, ArrayView<float> output) =>
        _whiten.Value(stream, elements, views, components, output);

    /// <summary>Loads <see cref="AugmentationKernels.Warp{TSource, TMode, TSampler}"/> for the mode's and the order's strategy types.</summary>
    private readonly struct WarpKernelLoader<TSource>(Accelerator accelerator, int order) : IBoundaryModeVisitor<Delegate>
        where TSource : struct, IElementReader
    {
        public Delegate Visit<TMode>()
            where TMode : struct, IBoundaryMode
        {
            var loader = new OfSampler<TMode>(accelerator);
            return Samplers.DispatchPoint<OfSampler<TMode>, Delegate>(order, ref loader);
        }

        private readonly struct OfSampler<TMode>(Accelerator accelerator) : IPointSamplerVisitor<Delegate>
            where TMode : struct, IBoundaryMode
        {
            public Delegate Visit<TSampler>()
                where TSampler : struct, IPointSampler =>
                accelerator.LoadAutoGroupedKernel<Index1D, TSource, KernelViews>(AugmentationKernels.Warp<TSource, TMode, TSampler>);
        }
    }

    /// <summary>The three spline kernels of one (dtype, mode), loaded together on first use.</summary>
    private sealed record SplineLaunchers(Delegate Pad, Delegate Filter, Delegate Warp);

    /// <summary>Loads <see cref="SplineKernels"/> for the mode's and the order's strategy types.</summary>
    private readonly struct SplineKernelLoader<TSource>(Accelerator accelerator, int order) : IBoundaryModeVisitor<SplineLaunchers>
        where TSource : struct, IElementReader
    {
        public SplineLaunchers Visit<TMode>()
            where TMode : struct, IBoundaryMode
        {
            var loader = new OfSampler<TMode>(accelerator);
            return Samplers.DispatchSpline<OfSampler<TMode>, SplineLaunchers>(order, ref loader);
        }

        private readonly struct OfSampler<TMode>(Accelerator accelerator) : ISplineSamplerVisitor<SplineLaunchers>
            where TMode : struct, IBoundaryMode
        {
            public SplineLaunchers Visit<TSampler>()
                where TSampler : struct, ISplineSampler => new(
                accelerator.LoadAutoGroupedKernel<Index1D, TSource, KernelViews, ArrayView<double>>(SplineKernels.Pad<TSource, TMode>),
                accelerator.LoadAutoGroupedKernel<Index1D, KernelViews, ArrayView<double>, int>(SplineKernels.FilterLines<TMode, TSampler>),
                accelerator.LoadAutoGroupedKernel<Index1D, TSource, KernelViews, ArrayView<double>>(SplineKernels.WarpSpline<TSource, TMode, TSampler>));
        }
    }

    /// <summary>
    /// Gives a user's share back. The device stays in the process-wide cache with its context and compiled
    /// kernels (the next <c>flow()</c> reuses them); <see cref="ReleaseUnused"/> frees devices nobody uses.
    /// </summary>
    public void Release()
    {
        lock (RegistryGate)
        {
            _users--;
        }
    }

    /// <summary>Users holding a share now (tests).</summary>
    internal int Users
    {
        get
        {
            lock (RegistryGate)
            {
                return _users;
            }
        }
    }

    /// <summary>Disposes the cached devices that no executor uses (their contexts and kernels); returns how many.</summary>
    internal static int ReleaseUnused()
    {
        List<GpuDevice> unused;
        lock (RegistryGate)
        {
            unused = Registry.Values.Where(d => d._users <= 0).ToList();
            foreach (var device in unused)
            {
                Registry.Remove(device.Spec);
            }
        }

        foreach (var device in unused)
        {
            // ILGPU frees the accelerator's buffers, streams and modules with its context current, which it
            // believes it is on a thread where it bound it before: make it so.
            using (DeviceContextScope.Enter(device.Accelerator))
            {
                device.Datasets.Dispose();
                device.Accelerator.Dispose();
            }

            device._cpuContext?.Dispose();
        }

        return unused.Count;
    }

    private static Context CreateCudaContext()
    {
        CudaDriver.LetIlgpuFindTheDriver(); // before ILGPU binds its CUDA API
        Interlocked.Increment(ref _cudaContextsCreated);
        return Context.Create(builder => builder.Cuda());
    }
}
