using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// The CPU warp for <c>interpolation_order</c> 2-5, as scipy's <c>affine_transform</c> does it for Keras: each
/// channel (float32, as Keras hands it over) is padded when the mode asks (<see cref="IBoundaryMode.PrefilterPad"/>),
/// prefiltered in float64 along rows then columns (<see cref="SplinePrefilter"/>), then every output pixel sums
/// (order+1)² coefficients at scipy's exact coordinate (<see cref="SplineAxis"/>, <see cref="SplineSampler"/>).
/// The whole image is prefiltered once per call, so the engine gives each image to one worker.
/// </summary>
internal static unsafe class SplineWarp
{
    /// <summary>Warps rows [rowStart, rowEnd) of one image (prefiltering all of it first).</summary>
    public static void WarpRows<T>(T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, FillMode mode, float cval, int order, int rowStart, int rowEnd)
        where T : unmanaged
    {
        var visitor = new OfMode<T>(src, dst, g, grid, cval, order, rowStart, rowEnd);
        BoundaryModes.Dispatch<OfMode<T>, bool>(mode, ref visitor);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WarpRows<T, TMode>(T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, float cval, int order, int rowStart, int rowEnd)
        where T : unmanaged
        where TMode : struct, IBoundaryMode
    {
        int pad = default(TMode).PrefilterPad;
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad), channels = g.Channels;

        // Coefficients interleaved like a channels_last image ([row][col][channel]), so one 4-lane load reads every
        // channel of a tap; 4 spare elements let the last tap's load run past its pixel.
        long length = ((long)rows * cols * channels) + 4;
        double[] rented = ArrayPool<double>.Shared.Rent((int)length);
        try
        {
            fixed (double* coefficients = rented)
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    Prefilter<T, TMode>(src, coefficients, g, ch, pad, cval, order);
                }

                Evaluate<TMode>(coefficients, dst, g, grid, cval, order, rowStart, rowEnd, rows, cols, pad);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Per output pixel, the taps and weights of both axes once (<see cref="SplineAxis"/>, shared with the GPU), then
    /// per channel the (order+1)² sum in scipy's order (<see cref="SplineSampler.Sum"/>): coefficient times the row
    /// weight, times the column weight, added to a sum that starts at 0.0. Up to four channels go lane-wise in one
    /// vector, which does exactly those operations per lane (no fused multiply-add).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Evaluate<TMode>(double* coefficients, float* dst, in ImageGeometry g, in SamplingGrid grid, float cval, int order, int rowStart, int rowEnd, int rows, int cols, int pad)
        where TMode : struct, IBoundaryMode
    {
        int channels = g.Channels, taps = order + 1;
        long rowStride = (long)cols * channels;
        bool vector = Vector256.IsHardwareAccelerated && channels <= 4;
        int* rowTaps = stackalloc int[6];
        int* colTaps = stackalloc int[6];
        double* rowWeights = stackalloc double[6];
        double* colWeights = stackalloc double[6];
        double* lanes = stackalloc double[4];
        for (int r = rowStart; r < rowEnd; r++)
        {
            for (int c = 0; c < g.Cols; c++)
            {
                float* o = dst + ((long)r * g.RowStride) + ((long)c * g.PixelStride);
                var ay = SplineAxis.Compute<TMode>(grid.ExactRowAt(r, c), rows, order, pad);
                var ax = SplineAxis.Compute<TMode>(grid.ExactColAt(r, c), cols, order, pad);
                if ((ay.IsOutside | ax.IsOutside) != 0)
                {
                    for (int ch = 0; ch < channels; ch++)
                    {
                        o[ch * g.ChannelStride] = cval;
                    }

                    continue;
                }

                bool anyCval = false;
                for (int k = 0; k < taps; k++)
                {
                    rowTaps[k] = ay.Tap(k);
                    colTaps[k] = ax.Tap(k);
                    rowWeights[k] = ay.Weight(k);
                    colWeights[k] = ax.Weight(k);
                    anyCval |= (rowTaps[k] | colTaps[k]) < 0;
                }

                if (anyCval)
                {
                    // grid-constant taps beyond the padding read cval: the shared sampler handles them.
                    for (int ch = 0; ch < channels; ch++)
                    {
                        o[ch * g.ChannelStride] = (float)SplineSampler.Sum(new InterleavedCoefficients(coefficients, channels, ch), 0, cols, ay, ax, order, cval);
                    }

                    continue;
                }

                if (vector)
                {
                    var sum = Vector256<double>.Zero;
                    for (int i = 0; i < taps; i++)
                    {
                        double* rowPtr = coefficients + (rowTaps[i] * rowStride);
                        var wy = Vector256.Create(rowWeights[i]);
                        for (int j = 0; j < taps; j++)
                        {
                            sum += Vector256.Load(rowPtr + ((long)colTaps[j] * channels)) * wy * Vector256.Create(colWeights[j]);
                        }
                    }

                    sum.Store(lanes);
                    for (int ch = 0; ch < channels; ch++)
                    {
                        o[ch * g.ChannelStride] = (float)lanes[ch];
                    }

                    continue;
                }

                for (int ch = 0; ch < channels; ch++)
                {
                    double t = 0.0;
                    for (int i = 0; i < taps; i++)
                    {
                        double* rowPtr = coefficients + (rowTaps[i] * rowStride) + ch;
                        double wy = rowWeights[i];
                        for (int j = 0; j < taps; j++)
                        {
                            t += rowPtr[(long)colTaps[j] * channels] * wy * colWeights[j];
                        }
                    }

                    o[ch * g.ChannelStride] = (float)t;
                }
            }
        }
    }

    /// <summary>
    /// Channel <paramref name="ch"/> as float32 then float64, padded (edge values or cval) and prefiltered along
    /// columns then rows (scipy's axis order), into the interleaved <paramref name="coefficients"/>. Each line is
    /// gathered into a contiguous buffer, filtered, and scattered back.
    /// </summary>
    private static void Prefilter<T, TMode>(T* src, double* coefficients, in ImageGeometry g, int ch, int pad, float cval, int order)
        where T : unmanaged
        where TMode : struct, IBoundaryMode
    {
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad), channels = g.Channels;
        var mode = default(TMode);
        double* plane = coefficients + ch;
        for (int i = 0; i < rows; i++)
        {
            // numpy.pad: "edge" for nearest (the clamped tap), "constant" with cval for grid-constant (tap -1).
            int sr = mode.MapTap(i - pad, g.Rows);
            for (int j = 0; j < cols; j++)
            {
                int sc = mode.MapTap(j - pad, g.Cols);
                plane[(((long)i * cols) + j) * channels] = sr < 0 || sc < 0
                    ? cval
                    : WarpKernels.Load(src + ((long)sr * g.RowStride) + ((long)sc * g.PixelStride) + ((long)ch * g.ChannelStride));
            }
        }

        var boundary = mode.PrefilterBoundary;
        int longest = Math.Max(rows, cols);
        double[]? heap = longest > 2048 ? new double[longest] : null;
        Span<double> stack = heap is null ? stackalloc double[longest] : default;
        fixed (double* line = heap is null ? stack : heap)
        {
            long rowStride = (long)cols * channels;
            for (int j = 0; j < cols; j++)
            {
                FilterStrided(plane + ((long)j * channels), rowStride, rows, line, order, boundary);
            }

            for (int i = 0; i < rows; i++)
            {
                FilterStrided(plane + (i * rowStride), channels, cols, line, order, boundary);
            }
        }
    }

    private static void FilterStrided(double* start, long stride, int n, double* line, int order, SplineBoundary boundary)
    {
        for (int k = 0; k < n; k++)
        {
            line[k] = start[k * stride];
        }

        SplinePrefilter.FilterLine(new PointerLine(line, 1), n, order, boundary);
        for (int k = 0; k < n; k++)
        {
            start[k * stride] = line[k];
        }
    }

    /// <summary>A strided line of the CPU scratch.</summary>
    private readonly struct PointerLine(double* start, int stride) : ISplineLine
    {
        public double Get(int i) => start[(long)i * stride];

        public void Set(int i, double value) => start[(long)i * stride] = value;
    }

    /// <summary>One channel of the interleaved CPU scratch, indexed as a plane (row · cols + col).</summary>
    private readonly struct InterleavedCoefficients(double* start, int channels, int ch) : ICoefficientReader
    {
        public double Read(long index) => start[(index * channels) + ch];
    }

    private readonly struct OfMode<T>(T* src, float* dst, ImageGeometry g, SamplingGrid grid, float cval, int order, int rowStart, int rowEnd)
        : IBoundaryModeVisitor<bool>
        where T : unmanaged
    {
        public bool Visit<TMode>()
            where TMode : struct, IBoundaryMode
        {
            WarpRows<T, TMode>(src, dst, g, grid, cval, order, rowStart, rowEnd);
            return true;
        }
    }
}
