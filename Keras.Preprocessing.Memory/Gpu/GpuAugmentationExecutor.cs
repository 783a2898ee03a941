using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The ILGPU executor. The source array goes to the device once (in its own dtype); each batch uploads only its
/// <see cref="SamplePlan"/>s (and, for a dataset too big to keep there, the images it reads), runs the kernels of
/// <see cref="AugmentationKernels"/> on one of two lanes, and downloads the float32 batch. Steps that cannot run on
/// the device run on the host after the download: a <c>preprocessing_function</c> (with every standardize step
/// after it, as Keras orders them) and ZCA when its matrix does not fit the device.
/// </summary>
internal sealed unsafe class GpuAugmentationExecutor : IAugmentationExecutor
{
    /// <summary>Batches in flight at once: one downloading while the next computes.</summary>
    public const int LaneCount = 2;

    private readonly GpuDevice _device;
    private readonly long _budget;
    private readonly ParallelOptions _parallel;
    private readonly SemaphoreSlim _laneGate = new(LaneCount);
    private readonly ConcurrentBag<BatchLane> _freeLanes = [];
    private readonly List<BatchLane> _lanes = [];
    private readonly object _gate = new();
    private readonly Dictionary<ImageArray, DeviceDataset> _datasets = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<float[], MemoryBuffer1D<float, Stride1D.Dense>> _constants = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<long, ConcurrentBag<MemoryBuffer1D<float, Stride1D.Dense>>> _deviceBatches = new();
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _empty;
    private float[]? _hostZcaWarnedFor;
    private bool _disposed;

    /// <param name="device">The shared device (this executor takes one user share and releases it on dispose).</param>
    /// <param name="maxDegreeOfParallelism">Threads for the host-side steps (default: all cores).</param>
    /// <param name="memoryBudget">Device bytes this executor may plan for; null: the device's memory less a margin.</param>
    public GpuAugmentationExecutor(GpuDevice device, int maxDegreeOfParallelism = -1, long? memoryBudget = null)
    {
        _device = device;
        _budget = memoryBudget ?? MemoryPlanner.Budget(device.Accelerator.MemorySize);
        _parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
        };
        _device.Accelerator.Bind();
        _empty = _device.Accelerator.Allocate1D<float>(1);
    }

    public string Name => _device.Name;

    /// <summary>The ILGPU accelerator the batches live on.</summary>
    public Accelerator Accelerator => _device.Accelerator;

    /// <summary>Device bytes this executor plans for.</summary>
    public long Budget => _budget;

    /// <summary>A one-element stand-in for absent statistics (kernels take a view either way).</summary>
    private ArrayView<float> Empty => _empty.View;

    /// <summary>
    /// Decides where <paramref name="images"/> will live for batches of <paramref name="batchSize"/> and warns
    /// when that is not the device; nothing is uploaded yet.
    /// </summary>
    public DatasetPlacement Admit(ImageArray images, int batchSize)
    {
        lock (_gate)
        {
            return Dataset(images, batchSize).Placement;
        }
    }

    public void Execute(AugmentationRequest request, float[] output)
    {
        var g = request.Source.Geometry;
        long count = (long)request.Plans.Length * g.Size;
        if (output.Length < count)
        {
            throw new ArgumentException("The output buffer is smaller than the batch.", nameof(output));
        }

        if (count == 0)
        {
            return;
        }

        // CUDA work needs the context current on this thread (prefetch runs batches on pool threads).
        _device.Accelerator.Bind();
        var lane = RentLane();
        try
        {
            var destination = lane.Output(count);
            var work = Run(request, lane, destination);
            destination.CopyToCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(output), count);
            lane.Stream.Synchronize();
            FinishOnHost(request, output, work);
        }
        finally
        {
            ReturnLane(lane);
        }
    }

    /// <summary>
    /// Runs a batch and leaves it on the device, in a buffer the caller returns with <see cref="ReturnDeviceBuffer"/>.
    /// Host-side steps, if any, round-trip through host memory.
    /// </summary>
    public MemoryBuffer1D<float, Stride1D.Dense> ExecuteToDevice(AugmentationRequest request)
    {
        var g = request.Source.Geometry;
        long count = Math.Max(1, (long)request.Plans.Length * g.Size);
        _device.Accelerator.Bind();
        var buffer = RentDeviceBuffer(count);
        var lane = RentLane();
        try
        {
            var destination = buffer.View.SubView(0, count);
            var work = Run(request, lane, destination);
            if (work.HostSteps)
            {
                var host = new float[count];
                destination.CopyToCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(host), count);
                lane.Stream.Synchronize();
                FinishOnHost(request, host, work);
                destination.CopyFromCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(host), count);
            }

            lane.Stream.Synchronize();
            return buffer;
        }
        catch
        {
            ReturnDeviceBuffer(buffer);
            throw;
        }
        finally
        {
            ReturnLane(lane);
        }
    }

    /// <summary>Takes back a buffer from <see cref="ExecuteToDevice"/> for reuse.</summary>
    public void ReturnDeviceBuffer(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                buffer.Dispose();
                return;
            }
        }

        _deviceBatches.GetOrAdd(buffer.Length, _ => []).Add(buffer);
    }

    /// <summary>
    /// Queues the kernels of one batch on <paramref name="lane"/>, writing <paramref name="destination"/>; returns
    /// what is left for the host. Does not wait: the caller synchronizes the lane's stream.
    /// </summary>
    internal BatchWork Run(AugmentationRequest request, BatchLane lane, ArrayView<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _device.Accelerator.Bind();
        var g = request.Source.Geometry;
        var st = request.Standardization;
        int n = request.Plans.Length;
        int count = checked(n * g.Size);
        var work = Plan(request);
        var args = work.Arguments;

        var (source, plans) = Stage(request, lane);
        var planView = lane.Plans(n);
        planView.CopyFromCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(plans), n);

        var coefficients = lane.Coefficients((long)n * g.Channels);
        if (args.Standardize != 0 && args.Samplewise == 0)
        {
            // Batch-wide coefficients, from the same function the CPU engine uses; per image when samplewise.
            var scale = new float[g.Channels];
            var bias = new float[g.Channels];
            st.ChannelAffine(g.Channels, 0, 1, scale, bias);
            var host = new AffineCoefficients[n * g.Channels];
            for (int i = 0; i < host.Length; i++)
            {
                host[i] = new AffineCoefficients(scale[i % g.Channels], bias[i % g.Channels]);
            }

            coefficients.CopyFromCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(host), host.Length);
        }

        var mean = args.HasMean != 0 ? Constant(st.FeatureMean!) : Empty;
        var std = args.HasStd != 0 ? Constant(st.FeatureStd!) : Empty;
        ArrayView<float>? components = work.ZcaOnDevice ? Constant(st.PrincipalComponents!) : null;
        var warped = components is null ? destination : lane.Scratch(count);

        Warp(request.Source.Kind, source, lane.Stream, n * g.Rows * g.Cols, planView, warped, coefficients, mean, std, args);

        bool anyExtremes = plans.Any(p => p.NeedsExtremes);
        if (anyExtremes || args.Samplewise != 0)
        {
            var extremes = lane.Extremes(n);
            _device.Statistics(lane.Stream, n, planView, warped, extremes, coefficients, mean, std, args);
            _device.Finish(lane.Stream, count, planView, warped, extremes, coefficients, mean, std, args);
        }

        if (components is { } matrix)
        {
            _device.Whiten(lane.Stream, count, warped, matrix, destination, g.Size);
        }

        return work;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _device.Accelerator.Bind();

        // Wait for batches in flight to hand their lanes back.
        for (int i = 0; i < LaneCount; i++)
        {
            _laneGate.Wait();
        }

        foreach (var lane in _lanes)
        {
            lane.Dispose();
        }

        foreach (var dataset in _datasets.Values)
        {
            dataset.Dispose();
        }

        foreach (var buffer in _constants.Values)
        {
            buffer.Dispose();
        }

        foreach (var bag in _deviceBatches.Values)
        {
            foreach (var buffer in bag)
            {
                buffer.Dispose();
            }
        }

        _empty.Dispose();
        _laneGate.Dispose();
        _device.Release();
    }

    /// <summary>What a batch needs, decided from its standardization before anything runs.</summary>
    private BatchWork Plan(AugmentationRequest request)
    {
        var g = request.Source.Geometry;
        var st = request.Standardization;
        bool callback = st.PreprocessingFunction is not null;
        bool samplewise = !callback && (st.SamplewiseCenter || st.SamplewiseStdNormalization);
        bool elementwise = st.HasElementwiseFeatures(g.Channels);
        bool hasMean = !callback && st.FeatureMean is not null;
        bool hasStd = !callback && st.FeatureStd is not null;
        bool zca = st.PrincipalComponents is not null;
        bool zcaOnDevice = zca && !callback && ComponentsFit(st.PrincipalComponents!, g.Size, request.Plans.Length);
        var args = new KernelArguments
        {
            Geometry = g,
            Mode = request.FillMode,
            Cval = request.Cval,
            Order = request.InterpolationOrder,
            Fused = callback || samplewise ? 0 : 1,
            Standardize = callback ? 0 : 1,
            Samplewise = samplewise ? 1 : 0,
            SamplewiseCenter = st.SamplewiseCenter ? 1 : 0,
            SamplewiseStd = st.SamplewiseStdNormalization ? 1 : 0,
            Rescale = st.Rescale ?? 1f,
            ChannelMean = hasMean && !elementwise ? 1 : 0,
            ChannelStd = hasStd && !elementwise ? 1 : 0,
            ElementwiseFeatures = elementwise && !callback ? 1 : 0,
            HasMean = hasMean ? 1 : 0,
            HasStd = hasStd ? 1 : 0,
            MeanPerChannel = st.FeatureMean?.Length == g.Channels ? 1 : 0,
            StdPerChannel = st.FeatureStd?.Length == g.Channels ? 1 : 0,
        };
        return new BatchWork(args, callback, zca && !zcaOnDevice, zcaOnDevice);
    }

    /// <summary>The source on the device and the plans that address it (re-indexed to staging slots when streaming).</summary>
    private (ArrayView<byte> Source, SamplePlan[] Plans) Stage(AugmentationRequest request, BatchLane lane)
    {
        DeviceDataset dataset;
        ArrayView<byte>? resident;
        lock (_gate)
        {
            dataset = Dataset(request.Source, request.Plans.Length);
            resident = dataset.Resident(_device.Accelerator, Name);
        }

        if (resident is { } view)
        {
            return (view, request.Plans);
        }

        // Streaming: upload each distinct image the batch reads once, and point the plans at its slot.
        var slots = new Dictionary<int, int>();
        var plans = new SamplePlan[request.Plans.Length];
        for (int i = 0; i < plans.Length; i++)
        {
            int sourceIndex = request.Plans[i].SourceIndex;
            if (!slots.TryGetValue(sourceIndex, out int slot))
            {
                slot = slots.Count;
                slots[sourceIndex] = slot;
            }

            plans[i] = request.Plans[i].WithSourceIndex(slot);
        }

        long imageBytes = dataset.ImageBytes;
        var staging = lane.Staging(slots.Count * imageBytes);
        foreach (var (sourceIndex, slot) in slots)
        {
            staging.SubView(slot * imageBytes, imageBytes).CopyFromCPU(lane.Stream, ref *request.Source.ImageAddress(sourceIndex), imageBytes);
        }

        return (staging, plans);
    }

    /// <summary>The cached placement of an image array, planned (and warned about) on first sight.</summary>
    private DeviceDataset Dataset(ImageArray images, int batchSize)
    {
        if (_datasets.TryGetValue(images, out var known))
        {
            return known;
        }

        var g = images.Geometry;
        long elementBytes = images.Kind.Size();
        long batchOutput = (long)batchSize * g.Size * sizeof(float);
        var placement = (long)batchSize * g.Size > int.MaxValue
            ? DatasetPlacement.Host // a batch past the kernels' 32-bit thread index
            : MemoryPlanner.Choose((long)images.Count * g.Size * elementBytes, batchSize * g.Size * elementBytes, batchOutput, LaneCount, _budget);
        var dataset = new DeviceDataset(images, placement);
        string what = $"the dataset ({MemoryPlanner.Mib(dataset.Bytes)} as {images.Kind.ToString().ToLowerInvariant()})";
        if (placement == DatasetPlacement.Streaming)
        {
            KerasWarnings.Warn(
                $"device \"{Name}\": {what} does not fit in the {MemoryPlanner.Mib(_budget)} of device memory available; " +
                "each batch uploads only the images it needs instead.");
        }
        else if (placement == DatasetPlacement.Host)
        {
            KerasWarnings.Warn(
                $"device \"{Name}\": not even one batch of {batchSize} images ({MemoryPlanner.Mib(LaneCount * batchOutput)} with double buffering) " +
                $"fits in the {MemoryPlanner.Mib(_budget)} of device memory available; augmenting on the CPU instead.");
        }

        _datasets[images] = dataset;
        return dataset;
    }

    /// <summary>Whether the ZCA matrix (and the batch copy it reads) fits beside everything else; warns once per matrix when not.</summary>
    private bool ComponentsFit(float[] components, int size, int batch)
    {
        lock (_gate)
        {
            if (_constants.ContainsKey(components))
            {
                return true;
            }

            long used = _datasets.Values.Sum(d => d.Placement == DatasetPlacement.Resident ? d.Bytes : 0) + _lanes.Sum(l => l.Bytes);
            long needed = ((long)components.Length + ((long)LaneCount * batch * size)) * sizeof(float);
            if (used + needed <= _budget)
            {
                return true;
            }

            if (!ReferenceEquals(_hostZcaWarnedFor, components))
            {
                _hostZcaWarnedFor = components;
                KerasWarnings.Warn(
                    $"device \"{Name}\": the ZCA matrix ({MemoryPlanner.Mib((long)components.Length * sizeof(float))}) does not fit in device memory; " +
                    "ZCA whitening runs on the CPU after each batch is downloaded.");
            }

            return false;
        }
    }

    /// <summary>A host array (featurewise statistics, ZCA matrix) on the device, uploaded once per array.</summary>
    private ArrayView<float> Constant(float[] values)
    {
        lock (_gate)
        {
            if (!_constants.TryGetValue(values, out var buffer))
            {
                buffer = _device.Accelerator.Allocate1D(values);
                _constants[values] = buffer;
            }

            return buffer.View;
        }
    }

    private void Warp(
        ElementKind kind,
        ArrayView<byte> source,
        AcceleratorStream stream,
        int pixels,
        ArrayView<SamplePlan> plans,
        ArrayView<float> output,
        ArrayView<AffineCoefficients> coefficients,
        ArrayView<float> mean,
        ArrayView<float> std,
        KernelArguments args)
    {
        switch (kind)
        {
            case ElementKind.UInt8:
                _device.Warp(stream, pixels, new UInt8Reader(source), plans, output, coefficients, mean, std, args);
                break;
            case ElementKind.UInt16:
                _device.Warp(stream, pixels, new UInt16Reader(source.Cast<ushort>()), plans, output, coefficients, mean, std, args);
                break;
            case ElementKind.Int16:
                _device.Warp(stream, pixels, new Int16Reader(source.Cast<short>()), plans, output, coefficients, mean, std, args);
                break;
            case ElementKind.Int32:
                _device.Warp(stream, pixels, new Int32Reader(source.Cast<int>()), plans, output, coefficients, mean, std, args);
                break;
            case ElementKind.Float32:
                _device.Warp(stream, pixels, new Float32Reader(source.Cast<float>()), plans, output, coefficients, mean, std, args);
                break;
            default:
                _device.Warp(stream, pixels, new Float64Reader(source.Cast<double>()), plans, output, coefficients, mean, std, args);
                break;
        }
    }

    /// <summary>The host's share after download: the callback and the standardize steps after it, and ZCA when not done on the device.</summary>
    private void FinishOnHost(AugmentationRequest request, float[] batch, BatchWork work)
    {
        if (!work.HostSteps)
        {
            return;
        }

        var g = request.Source.Geometry;
        var st = request.Standardization;
        int n = request.Plans.Length;
        if (work.Callback)
        {
            // The value shifts already ran on the device; an empty plan leaves FinishImage the callback onwards.
            Parallel.For(0, n, _parallel, s =>
            {
                var none = default(SamplePlan);
                fixed (float* image = &batch[(long)s * g.Size])
                {
                    CpuAugmentationEngine.FinishImage(image, g, none, 0, 0, st);
                }
            });
        }

        if (work.HostZca)
        {
            ZcaProjection.Apply(batch, n, g.Size, st.PrincipalComponents!, _parallel);
        }
    }

    private BatchLane RentLane()
    {
        _laneGate.Wait();
        if (_freeLanes.TryTake(out var lane))
        {
            return lane;
        }

        lock (_gate)
        {
            lane = new BatchLane(_device.Accelerator);
            _lanes.Add(lane);
            return lane;
        }
    }

    private void ReturnLane(BatchLane lane)
    {
        _freeLanes.Add(lane);
        _laneGate.Release();
    }

    private MemoryBuffer1D<float, Stride1D.Dense> RentDeviceBuffer(long length)
    {
        if (_deviceBatches.TryGetValue(length, out var bag) && bag.TryTake(out var buffer))
        {
            return buffer;
        }

        try
        {
            return _device.Accelerator.Allocate1D<float>(length);
        }
        catch (Exception e) when (e is AcceleratorException or OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"device \"{Name}\": no memory left for another device batch of {MemoryPlanner.Mib(length * sizeof(float))}; " +
                "dispose the device batches you no longer need.", e);
        }
    }
}

/// <summary>What one batch runs where: the kernel arguments, and the steps left to the host.</summary>
internal readonly record struct BatchWork(KernelArguments Arguments, bool Callback, bool HostZca, bool ZcaOnDevice)
{
    public bool HostSteps => Callback || HostZca;
}
