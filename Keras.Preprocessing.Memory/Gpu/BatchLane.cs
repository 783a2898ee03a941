using ILGPU;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// One batch in flight: its own stream and the device buffers a batch needs. The executor keeps two, so while
/// one lane downloads batch i the other runs the kernels of batch i+1 (double buffering). Buffers grow to the
/// largest batch seen and are reused.
/// </summary>
internal sealed class BatchLane : IDisposable
{
    private readonly Accelerator _accelerator;
    private MemoryBuffer1D<SamplePlan, Stride1D.Dense>? _plans;
    private MemoryBuffer1D<AffineCoefficients, Stride1D.Dense>? _coefficients;
    private MemoryBuffer1D<ImageExtremes, Stride1D.Dense>? _extremes;
    private MemoryBuffer1D<float, Stride1D.Dense>? _output;
    private MemoryBuffer1D<float, Stride1D.Dense>? _scratch;
    private MemoryBuffer1D<byte, Stride1D.Dense>? _staging;
    private MemoryBuffer1D<double, Stride1D.Dense>? _splineCoefficients;

    public BatchLane(Accelerator accelerator)
    {
        _accelerator = accelerator;
        Stream = accelerator.CreateStream();
    }

    /// <summary>The lane's stream: everything of one batch is queued on it, in order.</summary>
    public AcceleratorStream Stream { get; }

    /// <summary>Device bytes the lane holds now.</summary>
    public long Bytes => SizeOf(_plans) + SizeOf(_coefficients) + SizeOf(_extremes) + SizeOf(_output) + SizeOf(_scratch) + SizeOf(_staging) + SizeOf(_splineCoefficients);

    /// <summary>The batch's plans (each of these grows to the largest batch seen and is reused).</summary>
    public ArrayView<SamplePlan> ReservePlans(long length) => Reserve(ref _plans, length);

    public ArrayView<AffineCoefficients> ReserveCoefficients(long length) => Reserve(ref _coefficients, length);

    public ArrayView<ImageExtremes> ReserveExtremes(long length) => Reserve(ref _extremes, length);

    /// <summary>The batch's float32 result when it is downloaded to the host.</summary>
    public ArrayView<float> ReserveOutput(long length) => Reserve(ref _output, length);

    /// <summary>The batch before ZCA, which reads it whole while writing the result elsewhere.</summary>
    public ArrayView<float> ReserveScratch(long length) => Reserve(ref _scratch, length);

    /// <summary>A batch's source images, when the dataset is streamed rather than resident.</summary>
    public ArrayView<byte> ReserveStaging(long bytes) => Reserve(ref _staging, bytes);

    /// <summary>The float64 spline coefficients of interpolation orders 2-5 (see SplineKernels).</summary>
    public ArrayView<double> ReserveSplineCoefficients(long length) => Reserve(ref _splineCoefficients, length);

    public void Dispose()
    {
        Stream.Dispose();
        _plans?.Dispose();
        _coefficients?.Dispose();
        _extremes?.Dispose();
        _output?.Dispose();
        _scratch?.Dispose();
        _staging?.Dispose();
        _splineCoefficients?.Dispose();
    }

    private ArrayView<T> Reserve<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, long length)
        where T : unmanaged
    {
        length = Math.Max(1, length);
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = _accelerator.Allocate1D<T>(length);
        }

        return buffer.View.SubView(0, length);
    }

    private static long SizeOf<T>(MemoryBuffer1D<T, Stride1D.Dense>? buffer)
        where T : unmanaged => buffer?.LengthInBytes ?? 0;
}
