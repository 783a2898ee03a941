using ILGPU;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// Where each host array of an executor lives on the device: image arrays (resident, streamed, or left on the
/// host, planned and warned about on first sight) and constants (featurewise statistics, the ZCA matrix),
/// uploaded once per array. Thread-safe.
/// </summary>
internal sealed class DevicePlacement : IDisposable
{
    private readonly GpuDevice _device;
    private readonly object _lock = new();
    private readonly Dictionary<ImageArray, DeviceDataset> _datasets = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<float[], MemoryBuffer1D<float, Stride1D.Dense>> _constants = new(ReferenceEqualityComparer.Instance);
    private float[]? _hostZcaWarnedFor;

    /// <param name="device">The device.</param>
    /// <param name="budget">Device bytes the executor plans for.</param>
    public DevicePlacement(GpuDevice device, long budget)
    {
        _device = device;
        Budget = budget;
    }

    /// <summary>Device bytes the executor plans for.</summary>
    public long Budget { get; }

    private string Name => _device.Name;

    /// <summary>
    /// The placement of <paramref name="images"/> for batches of <paramref name="batchSize"/>, each lane working in
    /// <paramref name="laneWorkBytes"/> (<see cref="MemoryPlanner.LaneWorkBytes"/>), planned (and warned about when
    /// it is not the device) on first sight; nothing is uploaded yet.
    /// </summary>
    public DeviceDataset PlaceDataset(ImageArray images, int batchSize, long laneWorkBytes)
    {
        lock (_lock)
        {
            if (_datasets.TryGetValue(images, out var known))
            {
                return known;
            }

            var g = images.Geometry;
            long elementBytes = images.Kind.Size();
            long batchOutput = laneWorkBytes;
            var placement = (long)batchSize * g.Size * elementBytes > int.MaxValue
                ? DatasetPlacement.Host // a batch past the kernels' 32-bit thread index (and the host staging span)
                : _device.Datasets.Holds(images) ? DatasetPlacement.Resident // already there from an earlier iterator
                : MemoryPlanner.ChoosePlacement((long)images.Count * g.Size * elementBytes, batchSize * g.Size * elementBytes, batchOutput, LanePool.Count, Budget);
            var dataset = new DeviceDataset(images, placement);
            string what = $"the dataset ({MemoryPlanner.FormatMib(dataset.Bytes)} as {images.Kind.ToString().ToLowerInvariant()})";
            if (placement == DatasetPlacement.Streaming)
            {
                KerasWarnings.Warn(
                    $"device \"{Name}\": {what} does not fit in the {MemoryPlanner.FormatMib(Budget)} of device memory available; " +
                    "each batch uploads only the images it needs instead.");
            }
            else if (placement == DatasetPlacement.Host)
            {
                KerasWarnings.Warn(
                    $"device \"{Name}\": not even one batch of {batchSize} images ({MemoryPlanner.FormatMib(LanePool.Count * batchOutput)} with double buffering) " +
                    $"fits in the {MemoryPlanner.FormatMib(Budget)} of device memory available; augmenting on the CPU instead.");
            }

            _datasets[images] = dataset;
            return dataset;
        }
    }

    /// <summary>The dataset's device copy when it is resident (uploaded on first use), else null: the batch streams its images.</summary>
    public ArrayView<byte>? UploadIfResident(DeviceDataset dataset)
    {
        lock (_lock)
        {
            return dataset.UploadIfResident(_device.Accelerator, Name, _device.Datasets);
        }
    }

    /// <summary>
    /// Whether the ZCA matrix (and the batch copy it reads) fits beside everything else; warns once per matrix
    /// when not, and ZCA then runs on the host.
    /// </summary>
    public bool CanHoldComponents(float[] components, int size, int batch, long laneBytes)
    {
        lock (_lock)
        {
            if (_constants.ContainsKey(components))
            {
                return true;
            }

            long used = _datasets.Values.Sum(d => d.Placement == DatasetPlacement.Resident ? d.Bytes : 0) + laneBytes;
            long needed = ((long)components.Length + ((long)LanePool.Count * batch * size)) * sizeof(float);
            if (used + needed <= Budget)
            {
                return true;
            }

            if (!ReferenceEquals(_hostZcaWarnedFor, components))
            {
                _hostZcaWarnedFor = components;
                KerasWarnings.Warn(
                    $"device \"{Name}\": the ZCA matrix ({MemoryPlanner.FormatMib((long)components.Length * sizeof(float))}) does not fit in device memory; " +
                    "ZCA whitening runs on the CPU after each batch is downloaded.");
            }

            return false;
        }
    }

    /// <summary>A host array (featurewise statistics, ZCA matrix) on the device, uploaded once per array.</summary>
    public ArrayView<float> UploadConstant(float[] values)
    {
        lock (_lock)
        {
            if (!_constants.TryGetValue(values, out var buffer))
            {
                buffer = PinnedCopies.Upload(_device.Accelerator, values);
                _constants[values] = buffer;
            }

            return buffer.View;
        }
    }

    public void Dispose()
    {
        foreach (var dataset in _datasets.Values)
        {
            dataset.Dispose();
        }

        foreach (var buffer in _constants.Values)
        {
            buffer.Dispose();
        }
    }
}
