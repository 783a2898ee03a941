using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The ILGPU executor. The source array goes to the device once (in its own dtype, see <see cref="DevicePlacement"/>);
/// each batch uploads only its <see cref="SamplePlan"/>s (and, for a dataset too big to keep there, the images it
/// reads: <see cref="BatchStaging"/>), runs the kernels of <see cref="AugmentationKernels"/> on one of the
/// <see cref="LanePool"/>'s lanes, and downloads the float32 batch. Steps that cannot run on the device run on
/// the host after the download (<see cref="HostFinish"/>).
/// </summary>
internal sealed class GpuAugmentationExecutor : IAugmentationExecutor
{
    private readonly GpuDevice _device;
    private readonly ParallelOptions _parallel;
    private readonly LanePool _lanes;
    private readonly DevicePlacement _placement;
    private readonly DeviceBufferPool _deviceBatches;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _empty;
    private readonly object _gate = new();
    private readonly RegisteredOutputs _outputs;
    private CpuAugmentationEngine? _fallback;
    private bool _disposed;

    /// <param name="device">The shared device (this executor takes one user share and releases it on dispose).</param>
    /// <param name="maxDegreeOfParallelism">Threads for the host-side steps (default: all cores).</param>
    /// <param name="memoryBudget">Device bytes this executor may plan for; null: the device's memory less a margin.</param>
    /// <param name="laneBytesLimit">Tests: device bytes a lane may hold before its allocations fail; null: none.</param>
    public GpuAugmentationExecutor(GpuDevice device, int maxDegreeOfParallelism = -1, long? memoryBudget = null, long? laneBytesLimit = null)
    {
        _device = device;
        _parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
        };
        using var scope = DeviceContextScope.Enter(device.Accelerator);
        _lanes = new LanePool(device.Accelerator, laneBytesLimit);
        _placement = new DevicePlacement(device, memoryBudget ?? MemoryPlanner.ComputeBudget(device.Accelerator.MemorySize, device.FreeMemory()));
        _deviceBatches = new DeviceBufferPool(device.Accelerator, device.Name);
        _empty = _device.Accelerator.Allocate1D<float>(1);
        _outputs = new RegisteredOutputs(device.Accelerator);
    }

    public string Name => _device.Name;

    /// <inheritdoc />
    /// <remarks>The device needs no warning; a CPU fallback's threads do.</remarks>
    public void Announce() => Volatile.Read(ref _fallback)?.Announce();

    /// <summary>The ILGPU accelerator the batches live on.</summary>
    public Accelerator Accelerator => _device.Accelerator;

    /// <summary>Device bytes this executor plans for.</summary>
    public long Budget => _placement.Budget;

    /// <summary>A one-element stand-in for absent statistics (kernels take a view either way).</summary>
    private ArrayView<float> Empty => _empty.View;

    /// <summary>
    /// Decides where <paramref name="images"/> will live for batches of <paramref name="batchSize"/> warped with
    /// <paramref name="fillMode"/> and <paramref name="interpolationOrder"/> (orders 2-5 need float64 spline
    /// coefficients per batch) and warns when that is not the device; nothing is uploaded yet.
    /// </summary>
    public DatasetPlacement Admit(ImageArray images, int batchSize, FillMode fillMode, int interpolationOrder) =>
        _placement.PlaceDataset(images, batchSize, MemoryPlanner.LaneWorkBytes(batchSize, images.Geometry, fillMode, interpolationOrder)).Placement;

    /// <summary>
    /// Compiles (or finds in the device's cache) every kernel a batch of <paramref name="images"/> may launch, so a
    /// device whose driver cannot load them fails here, at <c>flow()</c>, where "auto" can still use the CPU.
    /// </summary>
    public void CompileKernels(ImageArray images, FillMode fillMode, int interpolationOrder)
    {
        using var scope = DeviceContextScope.Enter(_device.Accelerator);
        _device.CompileKernels(images.Kind, fillMode, interpolationOrder);
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

        // CUDA work needs the device's context current on this thread (prefetch runs batches on pool threads), and
        // the caller's own context (a TorchSharp consumer's) back afterwards.
        using var scope = DeviceContextScope.Enter(_device.Accelerator);
        var lane = _lanes.Rent();
        BatchWork work;
        try
        {
            var destination = lane.ReserveOutput(count);
            work = Run(request, lane, destination);
            if (_outputs.TryGet(output) is { } registered)
            {
                // Straight into the caller's array: pinned and page-locked, so the copy engine writes it directly.
                unsafe
                {
                    destination.CopyToCPU(lane.Stream, ref *(float*)registered, count);
                }

                lane.Stream.Synchronize(); // the batch's one host synchronization: uploads, kernels, download
            }
            else
            {
                lane.QueueDownload(destination);
                lane.Stream.Synchronize(); // the batch's one host synchronization: uploads, kernels, download
                CopyOut(lane.DownloadedOutput((int)count), output);
            }
        }
        catch (DeviceAllocationException e)
        {
            lane.Stream.Synchronize(); // nothing of this batch may still run when the lane is reused
            FallBackToCpu(e).Execute(request, output);
            return;
        }
        catch
        {
            // The lane's page-locked buffers may still be read by copies queued before the failure.
            DrainQuietly(lane);
            throw;
        }
        finally
        {
            _lanes.Return(lane);
        }

        HostFinish.Run(request, output, work, _parallel);
    }

    /// <summary>
    /// Runs a batch and leaves it on the device, in a buffer the caller returns with <see cref="ReturnDeviceBuffer"/>.
    /// The batch is complete when this returns (one host synchronization), so a consumer on any stream may read it.
    /// Host-side steps, if any, round-trip through the lane's page-locked memory.
    /// </summary>
    public MemoryBuffer1D<float, Stride1D.Dense> ExecuteToDevice(AugmentationRequest request) => ExecuteToDevice(request, out _);

    /// <inheritdoc cref="ExecuteToDevice(AugmentationRequest)"/>
    /// <param name="request">The batch.</param>
    /// <param name="stream">The native CUDA stream it was written on (0 off CUDA).</param>
    public MemoryBuffer1D<float, Stride1D.Dense> ExecuteToDevice(AugmentationRequest request, out IntPtr stream)
    {
        var g = request.Source.Geometry;
        long count = Math.Max(1, (long)request.Plans.Length * g.Size);
        using var scope = DeviceContextScope.Enter(_device.Accelerator);
        var buffer = _deviceBatches.Rent(count);
        var lane = _lanes.Rent();
        try
        {
            var destination = buffer.View.SubView(0, count);
            var work = Run(request, lane, destination);
            if (work.HostSteps)
            {
                lane.QueueDownload(destination);
                lane.Stream.Synchronize();
                var host = lane.DownloadedOutput((int)count).ToArray();
                HostFinish.Run(request, host, work, _parallel);
                lane.QueueUploadFromOutput(host, destination);
            }

            lane.Stream.Synchronize();
            stream = lane.Stream is CudaStream cuda ? cuda.StreamPtr : IntPtr.Zero;
            return buffer;
        }
        catch
        {
            DrainQuietly(lane);
            ReturnDeviceBuffer(buffer);
            throw;
        }
        finally
        {
            _lanes.Return(lane);
        }
    }

    public bool HasDeviceMemory => true;

    /// <inheritdoc/>
    public IDeviceImages ExecuteOnDevice(AugmentationRequest request)
    {
        long length = (long)request.Plans.Length * request.Source.Geometry.Size;
        var buffer = ExecuteToDevice(request, out var stream);
        return new GpuDeviceImages(buffer, length, stream, ReturnDeviceBuffer);
    }

    /// <summary>Takes back a buffer from <see cref="ExecuteToDevice(AugmentationRequest)"/> for reuse.</summary>
    public void ReturnDeviceBuffer(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        using var scope = DeviceContextScope.Enter(_device.Accelerator); // frees it once the executor is gone
        _deviceBatches.Return(buffer);
    }

    /// <summary>
    /// Queues the kernels of one batch on <paramref name="lane"/>, writing <paramref name="destination"/>; returns
    /// what is left for the host. Does not wait: the caller synchronizes the lane's stream.
    /// </summary>
    internal BatchWork Run(AugmentationRequest request, BatchLane lane, ArrayView<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = DeviceContextScope.Enter(_device.Accelerator);
        var g = request.Source.Geometry;
        var st = request.Standardization;
        int n = request.Plans.Length;
        int count = checked(n * g.Size);
        var work = BatchWork.Plan(request, components => _placement.CanHoldComponents(components, g.Size, n, _lanes.Bytes));
        var args = work.Arguments;
        args.StatisticsParts = _device.StatisticsParts(n, g.Size);

        var dataset = _placement.PlaceDataset(request.Source, n, MemoryPlanner.LaneWorkBytes(n, g, args.Mode, args.Order));
        var (source, plans) = BatchStaging.Stage(request, lane, dataset, _placement.UploadIfResident(dataset));
        var planView = lane.UploadPlans(plans);
        var coordinates = lane.UploadCoordinates(ExactCoordinates.Products(plans, g.Rows, g.Cols));

        var coefficients = lane.ReserveCoefficients((long)n * g.Channels);
        if (args.Standardize != 0 && args.Samplewise == 0)
        {
            // Batch-wide coefficients, from the same function the CPU engine uses; per image when samplewise.
            var scale = new float[g.Channels];
            var bias = new float[g.Channels];
            st.ComputeChannelAffine(g.Channels, 0, 1, scale, bias);
            var host = new AffineCoefficients[n * g.Channels];
            for (int i = 0; i < host.Length; i++)
            {
                host[i] = new AffineCoefficients(scale[i % g.Channels], bias[i % g.Channels]);
            }

            coefficients = lane.UploadCoefficients(host);
        }

        ArrayView<float>? components = work.ZcaOnDevice ? _placement.UploadConstant(st.PrincipalComponents!) : null;
        var views = new KernelViews
        {
            Plans = planView,
            Coordinates = coordinates,
            Images = components is null ? destination : lane.ReserveScratch(count),
            Coefficients = coefficients,
            FeatureMean = args.HasMean != 0 ? _placement.UploadConstant(st.FeatureMean!) : Empty,
            FeatureStd = args.HasStd != 0 ? _placement.UploadConstant(st.FeatureStd!) : Empty,
            Arguments = args,
        };

        var splineCoefficients = args.Order >= 2
            ? lane.ReserveSplineCoefficients(SplineKernels.CoefficientCount(n, g, BoundaryModes.PrefilterPadOf(args.Mode)))
            : default;
        Warp(request.Source.Kind, source, lane.Stream, n * g.Rows * g.Cols, views, splineCoefficients);

        bool anyExtremes = plans.Any(p => p.NeedsExtremes);
        if (anyExtremes || args.Samplewise != 0)
        {
            views.Extremes = lane.ReserveExtremes(n);
            views.Partials = lane.ReservePartials((long)n * args.StatisticsParts);
            _device.ComputeStatistics(lane.Stream, n, views);
            _device.Finish(lane.Stream, count, views);
        }

        if (components is { } matrix)
        {
            _device.Whiten(lane.Stream, count, views, matrix, destination);
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

        using var scope = DeviceContextScope.Enter(_device.Accelerator);
        _lanes.Dispose(); // waits for batches in flight to hand their lanes back
        _outputs.Dispose(); // no copy can still write the registered arrays
        _placement.Dispose();
        _deviceBatches.Dispose();
        _empty.Dispose();
        _fallback?.Dispose();
        _device.Release();
    }

    /// <summary>Waits for what a failed batch queued on <paramref name="lane"/>, keeping the batch's own exception.</summary>
    private static void DrainQuietly(BatchLane lane)
    {
        try
        {
            lane.Stream.Synchronize();
        }
        catch (Exception e) when (e is AcceleratorException or InvalidOperationException)
        {
            // A sticky device error: the batch's exception says more; the next batch reports this one.
        }
    }

    /// <summary>
    /// The CPU engine, for a batch whose device or page-locked buffers could not be allocated (memory another user
    /// took after the plan was made): warns once, and the batch still comes out, as a failed dataset upload falls
    /// back to streaming.
    /// </summary>
    private CpuAugmentationEngine FallBackToCpu(DeviceAllocationException why)
    {
        lock (_gate)
        {
            if (_fallback is null)
            {
                KerasWarnings.Warn($"device \"{Name}\": {why.Message}; augmenting the batches that need it on the CPU instead.");
                _fallback = new CpuAugmentationEngine(_parallel.MaxDegreeOfParallelism);
            }

            return _fallback;
        }
    }

    /// <summary>
    /// Copies the downloaded batch out of the lane's page-locked buffer into the caller's array, in chunks on the
    /// host threads (one thread moves a few GB/s; a 224² batch of 32 is 19 MB).
    /// </summary>
    private void CopyOut(ReadOnlySpan<float> downloaded, float[] output)
    {
        const int Chunk = 1 << 18; // 1 MiB of floats
        if (downloaded.Length <= Chunk || _parallel.MaxDegreeOfParallelism == 1)
        {
            downloaded.CopyTo(output);
            return;
        }

        unsafe
        {
            fixed (float* from = downloaded)
            {
                nint source = (nint)from;
                int length = downloaded.Length;
                Parallel.For(0, (length + Chunk - 1) / Chunk, _parallel, i =>
                {
                    int start = i * Chunk;
                    int n = Math.Min(Chunk, length - start);
                    new ReadOnlySpan<float>((float*)source + start, n).CopyTo(output.AsSpan(start, n));
                });
            }
        }
    }

    /// <summary>Launches the warp kernel with the element reader of the source's dtype.</summary>
    private void Warp(ElementKind kind, ArrayView<byte> source, AcceleratorStream stream, int pixels, KernelViews views, ArrayView<double> splineCoefficients)
    {
        switch (kind)
        {
            case ElementKind.UInt8:
                _device.Warp(stream, pixels, new UInt8Reader(source), views, views.Arguments.Mode, splineCoefficients);
                break;
            case ElementKind.UInt16:
                _device.Warp(stream, pixels, new UInt16Reader(source.Cast<ushort>()), views, views.Arguments.Mode, splineCoefficients);
                break;
            case ElementKind.Int16:
                _device.Warp(stream, pixels, new Int16Reader(source.Cast<short>()), views, views.Arguments.Mode, splineCoefficients);
                break;
            case ElementKind.Int32:
                _device.Warp(stream, pixels, new Int32Reader(source.Cast<int>()), views, views.Arguments.Mode, splineCoefficients);
                break;
            case ElementKind.Float32:
                _device.Warp(stream, pixels, new Float32Reader(source.Cast<float>()), views, views.Arguments.Mode, splineCoefficients);
                break;
            default:
                _device.Warp(stream, pixels, new Float64Reader(source.Cast<double>()), views, views.Arguments.Mode, splineCoefficients);
                break;
        }
    }
}
