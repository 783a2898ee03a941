using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory.Execution;
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
    private bool _disposed;

    /// <param name="device">The shared device (this executor takes one user share and releases it on dispose).</param>
    /// <param name="maxDegreeOfParallelism">Threads for the host-side steps (default: all cores).</param>
    /// <param name="memoryBudget">Device bytes this executor may plan for; null: the device's memory less a margin.</param>
    public GpuAugmentationExecutor(GpuDevice device, int maxDegreeOfParallelism = -1, long? memoryBudget = null)
    {
        _device = device;
        _parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
        };
        _device.Accelerator.Bind();
        _lanes = new LanePool(device.Accelerator);
        _placement = new DevicePlacement(device, memoryBudget ?? MemoryPlanner.ComputeBudget(device.Accelerator.MemorySize));
        _deviceBatches = new DeviceBufferPool(device.Accelerator, device.Name);
        _empty = _device.Accelerator.Allocate1D<float>(1);
    }

    public string Name => _device.Name;

    /// <summary>The ILGPU accelerator the batches live on.</summary>
    public Accelerator Accelerator => _device.Accelerator;

    /// <summary>Device bytes this executor plans for.</summary>
    public long Budget => _placement.Budget;

    /// <summary>A one-element stand-in for absent statistics (kernels take a view either way).</summary>
    private ArrayView<float> Empty => _empty.View;

    /// <summary>
    /// Decides where <paramref name="images"/> will live for batches of <paramref name="batchSize"/> and warns
    /// when that is not the device; nothing is uploaded yet.
    /// </summary>
    public DatasetPlacement Admit(ImageArray images, int batchSize) => _placement.PlaceDataset(images, batchSize).Placement;

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
        var lane = _lanes.Rent();
        try
        {
            var destination = lane.ReserveOutput(count);
            var work = Run(request, lane, destination);
            destination.CopyToCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(output), count);
            lane.Stream.Synchronize();
            HostFinish.Run(request, output, work, _parallel);
        }
        finally
        {
            _lanes.Return(lane);
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
        var buffer = _deviceBatches.Rent(count);
        var lane = _lanes.Rent();
        try
        {
            var destination = buffer.View.SubView(0, count);
            var work = Run(request, lane, destination);
            if (work.HostSteps)
            {
                var host = new float[count];
                destination.CopyToCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(host), count);
                lane.Stream.Synchronize();
                HostFinish.Run(request, host, work, _parallel);
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
            _lanes.Return(lane);
        }
    }

    public bool HasDeviceMemory => true;

    /// <inheritdoc/>
    public IDeviceImages ExecuteOnDevice(AugmentationRequest request)
    {
        long length = (long)request.Plans.Length * request.Source.Geometry.Size;
        return new GpuDeviceImages(ExecuteToDevice(request), length, ReturnDeviceBuffer);
    }

    /// <summary>Takes back a buffer from <see cref="ExecuteToDevice"/> for reuse.</summary>
    public void ReturnDeviceBuffer(MemoryBuffer1D<float, Stride1D.Dense> buffer) => _deviceBatches.Return(buffer);

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
        var work = BatchWork.Plan(request, components => _placement.CanHoldComponents(components, g.Size, n, _lanes.Bytes));
        var args = work.Arguments;

        var dataset = _placement.PlaceDataset(request.Source, n);
        var (source, plans) = BatchStaging.Stage(request, lane, dataset, _placement.UploadIfResident(dataset));
        var planView = lane.ReservePlans(n);
        planView.CopyFromCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(plans), n);

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

            coefficients.CopyFromCPU(lane.Stream, ref MemoryMarshal.GetArrayDataReference(host), host.Length);
        }

        ArrayView<float>? components = work.ZcaOnDevice ? _placement.UploadConstant(st.PrincipalComponents!) : null;
        var views = new KernelViews
        {
            Plans = planView,
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

        _device.Accelerator.Bind();
        _lanes.Dispose(); // waits for batches in flight to hand their lanes back
        _placement.Dispose();
        _deviceBatches.Dispose();
        _empty.Dispose();
        _device.Release();
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
