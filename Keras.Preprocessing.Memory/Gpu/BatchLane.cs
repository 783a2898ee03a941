using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// One batch in flight: its own stream, the device buffers a batch needs, and the page-locked host buffers its
/// copies go through. The executor keeps two, so while one lane downloads batch i the other uploads and runs the
/// kernels of batch i+1. Buffers grow to the largest batch seen and are reused.
/// </summary>
/// <remarks>
/// Every host-to-device and device-to-host copy of a batch goes through this lane's page-locked buffers
/// (<see cref="PageLockedArray1D{T}"/>: pinned for the GC and registered with the driver for their whole life),
/// never through a managed array: the driver may still be reading or writing after the call returns (the copies
/// are asynchronous on <see cref="Stream"/>), and a managed array can move in a GC. The host buffers are only
/// rewritten by the next batch on this lane, which starts after the lane's one synchronization.
/// </remarks>
internal sealed class BatchLane : IDisposable
{
    private readonly Accelerator _accelerator;
    private MemoryBuffer1D<SamplePlan, Stride1D.Dense>? _plans;
    private MemoryBuffer1D<double, Stride1D.Dense>? _coordinates;
    private MemoryBuffer1D<AffineCoefficients, Stride1D.Dense>? _coefficients;
    private MemoryBuffer1D<ImageExtremes, Stride1D.Dense>? _extremes;
    private MemoryBuffer1D<StatisticsPartial, Stride1D.Dense>? _partials;
    private MemoryBuffer1D<float, Stride1D.Dense>? _output;
    private MemoryBuffer1D<float, Stride1D.Dense>? _scratch;
    private MemoryBuffer1D<byte, Stride1D.Dense>? _staging;
    private PageLockedArray1D<SamplePlan>? _hostPlans;
    private PageLockedArray1D<double>? _hostCoordinates;
    private PageLockedArray1D<AffineCoefficients>? _hostCoefficients;
    private PageLockedArray1D<byte>? _hostStaging;
    private PageLockedArray1D<float>? _hostOutput;
    private MemoryBuffer1D<double, Stride1D.Dense>? _splineCoefficients;

    private readonly long? _deviceBytesLimit;

    /// <param name="accelerator">The device.</param>
    /// <param name="deviceBytesLimit">Tests: device bytes this lane may hold before an allocation fails as the driver's would; null: no limit.</param>
    public BatchLane(Accelerator accelerator, long? deviceBytesLimit = null)
    {
        _accelerator = accelerator;
        _deviceBytesLimit = deviceBytesLimit;
        Stream = accelerator.CreateStream();
    }

    /// <summary>The lane's stream: everything of one batch is queued on it, in order.</summary>
    public AcceleratorStream Stream { get; }

    /// <summary>Device bytes the lane holds now.</summary>
    public long Bytes => SizeOf(_plans) + SizeOf(_coordinates) + SizeOf(_coefficients) + SizeOf(_extremes) + SizeOf(_partials) + SizeOf(_output) + SizeOf(_scratch) + SizeOf(_staging) + SizeOf(_splineCoefficients);

    /// <summary>Queues the upload of <paramref name="plans"/> (through page-locked memory) and returns their device view.</summary>
    public ArrayView<SamplePlan> UploadPlans(ReadOnlySpan<SamplePlan> plans) => Upload(ref _plans, ref _hostPlans, plans);

    /// <summary>Queues the upload of the batch's coordinate products (through page-locked memory) and returns their device view.</summary>
    public ArrayView<double> UploadCoordinates(ReadOnlySpan<double> products) => Upload(ref _coordinates, ref _hostCoordinates, products);

    /// <summary>Queues the upload of <paramref name="coefficients"/> into the coefficient buffer (which the statistics kernel may fill instead).</summary>
    public ArrayView<AffineCoefficients> UploadCoefficients(ReadOnlySpan<AffineCoefficients> coefficients) => Upload(ref _coefficients, ref _hostCoefficients, coefficients);

    public ArrayView<AffineCoefficients> ReserveCoefficients(long length) => Reserve(ref _coefficients, length);

    public ArrayView<ImageExtremes> ReserveExtremes(long length) => Reserve(ref _extremes, length);

    public ArrayView<StatisticsPartial> ReservePartials(long length) => Reserve(ref _partials, length);

    /// <summary>The batch's float32 result when it is downloaded to the host.</summary>
    public ArrayView<float> ReserveOutput(long length) => Reserve(ref _output, length);

    /// <summary>The batch before ZCA, which reads it whole while writing the result elsewhere.</summary>
    public ArrayView<float> ReserveScratch(long length) => Reserve(ref _scratch, length);

    /// <summary>
    /// A streamed batch's source images: the host staging area (page-locked, <paramref name="bytes"/> long) the
    /// caller fills, and the device area <see cref="UploadStaging"/> copies it to.
    /// </summary>
    public Span<byte> ReserveHostStaging(int bytes)
    {
        var host = Grow(ref _hostStaging, bytes);
        return host.Span[..bytes];
    }

    /// <summary>Queues the upload of the first <paramref name="bytes"/> of the host staging area; returns their device view.</summary>
    public ArrayView<byte> UploadStaging(long bytes)
    {
        var device = Reserve(ref _staging, bytes);
        device.SubView(0, bytes).CopyFrom(Stream, _hostStaging!.ArrayView.SubView(0, bytes));
        return device;
    }

    /// <summary>Queues the download of <paramref name="source"/> into the lane's page-locked output; read it with <see cref="DownloadedOutput"/> after the lane's stream synchronizes.</summary>
    public void QueueDownload(ArrayView<float> source)
    {
        var host = Grow(ref _hostOutput, source.Length);
        source.CopyTo(Stream, host.ArrayView.SubView(0, source.Length));
    }

    /// <summary>The downloaded batch (valid after the stream synchronizes, until this lane's next batch).</summary>
    public ReadOnlySpan<float> DownloadedOutput(int length) => _hostOutput!.Span[..length];

    /// <summary>Queues the upload of <paramref name="values"/> (through the page-locked output buffer) into <paramref name="destination"/>.</summary>
    public void QueueUploadFromOutput(ReadOnlySpan<float> values, ArrayView<float> destination)
    {
        var host = Grow(ref _hostOutput, values.Length);
        values.CopyTo(host.Span);
        destination.SubView(0, values.Length).CopyFrom(Stream, host.ArrayView.SubView(0, values.Length));
    }

    /// <summary>The float64 spline coefficients of interpolation orders 2-5 (see SplineKernels).</summary>
    public ArrayView<double> ReserveSplineCoefficients(long length) => Reserve(ref _splineCoefficients, length);

    public void Dispose()
    {
        Stream.Dispose();
        _plans?.Dispose();
        _coordinates?.Dispose();
        _coefficients?.Dispose();
        _extremes?.Dispose();
        _partials?.Dispose();
        _output?.Dispose();
        _scratch?.Dispose();
        _staging?.Dispose();
        _hostPlans?.Dispose();
        _hostCoordinates?.Dispose();
        _hostCoefficients?.Dispose();
        _hostStaging?.Dispose();
        _hostOutput?.Dispose();
        _splineCoefficients?.Dispose();
    }

    private ArrayView<T> Upload<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? device, ref PageLockedArray1D<T>? host, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var view = Reserve(ref device, values.Length);
        if (values.Length > 0)
        {
            var staging = Grow(ref host, values.Length);
            values.CopyTo(staging.Span);
            view.SubView(0, values.Length).CopyFrom(Stream, staging.ArrayView.SubView(0, values.Length));
        }

        return view;
    }

    private PageLockedArray1D<T> Grow<T>(ref PageLockedArray1D<T>? buffer, long length)
        where T : unmanaged
    {
        length = Math.Max(1, length);
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = null;
            buffer = DeviceAllocationException.Guard(() => _accelerator.AllocatePageLocked1D<T>(length, uninitialized: true), length * Unsafe.SizeOf<T>(), "page-locked host memory");
        }

        return buffer;
    }

    private ArrayView<T> Reserve<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, long length)
        where T : unmanaged
    {
        length = Math.Max(1, length);
        if (buffer is null || buffer.Length < length)
        {
            long bytes = length * Unsafe.SizeOf<T>();
            if (Bytes - SizeOf(buffer) + bytes > _deviceBytesLimit)
            {
                throw new DeviceAllocationException(
                    $"could not allocate {MemoryPlanner.FormatMib(bytes)} of device memory (the test limit of {MemoryPlanner.FormatMib(_deviceBytesLimit.Value)} per lane)",
                    new OutOfMemoryException());
            }

            buffer?.Dispose();
            buffer = null;
            buffer = DeviceAllocationException.Guard(() => _accelerator.Allocate1D<T>(length), bytes, "device memory");
        }

        ArrayView<T> view = buffer.View.SubView(0, length);
        DeviceMemoryPoison.Apply(view, Stream); // tests: what the batch does not write reads as NaN
        return view;
    }

    private static long SizeOf<T>(MemoryBuffer1D<T, Stride1D.Dense>? buffer)
        where T : unmanaged => buffer?.LengthInBytes ?? 0;
}
