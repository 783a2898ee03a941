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
/// prefiltered in float64 along columns then rows (<see cref="SplinePrefilter"/>'s steps, run on many lines at once
/// by <see cref="SplinePrefilterLanes"/>), then every output pixel sums (order+1)² coefficients at scipy's exact
/// coordinate (<see cref="SplineAxis"/>, <see cref="SplineSampler"/>). Generic over the mode and the order's
/// <see cref="ISplineSampler"/>, as the GPU kernels are.
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
    private static void WarpRows<T, TMode, TSampler>(T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, float cval, int rowStart, int rowEnd)
        where T : unmanaged
        where TMode : struct, IBoundaryMode
        where TSampler : struct, ISplineSampler
    {
        int order = default(TSampler).Order;
        int pad = default(TMode).PrefilterPad;
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad), channels = g.Channels;

        // Two buffers of the padded image, channels interleaved ([row][col][channel], then transposed to
        // [col][row][channel]), 4 spare elements so a tap's 4-lane load may run past its pixel; and the filter's
        // lane scratch.
        long size = (long)rows * cols * channels;
        long lanes = Math.Max(rows, cols) * (long)channels;
        double[] rented = ArrayPool<double>.Shared.Rent(checked((int)((2 * (size + 4)) + (2 * lanes))));
        try
        {
            fixed (double* memory = rented)
            {
                double* padded = memory, transposed = memory + size + 4, scratch = transposed + size + 4;
                Pad<T, TMode>(src, padded, g, pad, cval);

                // scipy filters axis 0 (along columns) then axis 1 (along rows). Both run as many lines side by side:
                // the columns of the row-major image, then the rows of its transpose.
                var boundary = default(TMode).PrefilterBoundary;
                SplinePrefilterLanes.Filter(padded, (long)cols * channels, rows, cols * channels, order, boundary, scratch);
                Transpose(padded, transposed, rows, cols, channels);
                SplinePrefilterLanes.Filter(transposed, (long)rows * channels, cols, rows * channels, order, boundary, scratch);
                transposed[size] = transposed[size + 1] = transposed[size + 2] = transposed[size + 3] = 0;
                Evaluate<TMode, TSampler>(transposed, dst, g, grid, cval, rowStart, rowEnd, rows, cols, pad);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Per output pixel, the taps and weights of both axes once (<see cref="SplineAxis"/>, shared with the GPU), then
    /// per channel the (order+1)² sum in scipy's order (<see cref="SplineSampler.Sum{TReader, TSampler}"/>): coefficient times the row
    /// weight, times the column weight, added to a sum that starts at 0.0. Up to four channels go lane-wise in one
    /// vector, which does exactly those operations per lane (no fused multiply-add). The coefficients are the
    /// transposed, interleaved ones: tap (row r, column c) is at (c · rows + r) · channels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Evaluate<TMode, TSampler>(double* coefficients, float* dst, in ImageGeometry g, in SamplingGrid grid, float cval, int rowStart, int rowEnd, int rows, int cols, int pad)
        where TMode : struct, IBoundaryMode
        where TSampler : struct, ISplineSampler
    {
        int channels = g.Channels, taps = default(TSampler).Order + 1;
        long colStride = (long)rows * channels;
        bool vector = Vector256.IsHardwareAccelerated && channels <= 4;
        long* rowOffsets = stackalloc long[6];
        long* colOffsets = stackalloc long[6];
        double* rowWeights = stackalloc double[6];
        double* colWeights = stackalloc double[6];
        double* lanes = stackalloc double[4];
        for (int r = rowStart; r < rowEnd; r++)
        {
            for (int c = 0; c < g.Cols; c++)
            {
                float* o = dst + ((long)r * g.RowStride) + ((long)c * g.PixelStride);
                var ay = SplineAxis.Compute<TMode, TSampler>(grid.ExactRowAt(r, c), rows, pad);
                var ax = SplineAxis.Compute<TMode, TSampler>(grid.ExactColAt(r, c), cols, pad);
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
                    int rowTap = ay.Tap(k), colTap = ax.Tap(k);
                    anyCval |= (rowTap | colTap) < 0;
                    rowOffsets[k] = (long)rowTap * channels;
                    colOffsets[k] = colTap * colStride;
                    rowWeights[k] = ay.Weight(k);
                    colWeights[k] = ax.Weight(k);
                }

                if (anyCval)
                {
                    // grid-constant taps beyond the padding read cval: the shared sampler handles them.
                    for (int ch = 0; ch < channels; ch++)
                    {
                        o[ch * g.ChannelStride] = (float)SplineSampler.Sum<TransposedCoefficients, TSampler>(new(coefficients, rows, cols, channels, ch), 0, cols, ay, ax, cval);
                    }

                    continue;
                }

                if (vector)
                {
                    var sum = Vector256<double>.Zero;
                    for (int i = 0; i < taps; i++)
                    {
                        double* rowPtr = coefficients + rowOffsets[i];
                        var wy = Vector256.Create(rowWeights[i]);
                        for (int j = 0; j < taps; j++)
                        {
                            sum += Vector256.Load(rowPtr + colOffsets[j]) * wy * Vector256.Create(colWeights[j]);
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
                        double* rowPtr = coefficients + rowOffsets[i] + ch;
                        double wy = rowWeights[i];
                        for (int j = 0; j < taps; j++)
                        {
                            t += rowPtr[colOffsets[j]] * wy * colWeights[j];
                        }
                    }

                    o[ch * g.ChannelStride] = (float)t;
                }
            }
        }
    }

    /// <summary>Every channel as float32 then float64, padded as numpy.pad does (edge values for nearest: the clamped tap; cval for grid-constant: tap -1).</summary>
    private static void Pad<T, TMode>(T* src, double* padded, in ImageGeometry g, int pad, float cval)
        where T : unmanaged
        where TMode : struct, IBoundaryMode
    {
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad), channels = g.Channels;
        var mode = default(TMode);
        for (int i = 0; i < rows; i++)
        {
            int sr = mode.MapTap(i - pad, g.Rows);
            for (int j = 0; j < cols; j++)
            {
                int sc = mode.MapTap(j - pad, g.Cols);
                double* o = padded + ((((long)i * cols) + j) * channels);
                T* p = src + ((long)sr * g.RowStride) + ((long)sc * g.PixelStride);
                for (int ch = 0; ch < channels; ch++)
                {
                    o[ch] = sr < 0 || sc < 0 ? cval : WarpKernels.Load(p + ((long)ch * g.ChannelStride));
                }
            }
        }
    }

    /// <summary>[row][col][channel] to [col][row][channel].</summary>
    private static void Transpose(double* from, double* to, int rows, int cols, int channels)
    {
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double* a = from + ((((long)i * cols) + j) * channels), b = to + ((((long)j * rows) + i) * channels);
                for (int ch = 0; ch < channels; ch++)
                {
                    b[ch] = a[ch];
                }
            }
        }
    }

    /// <summary>One channel of the transposed, interleaved CPU coefficients, indexed as a plane (row · cols + col).</summary>
    private readonly struct TransposedCoefficients(double* start, int rows, int cols, int channels, int ch) : ICoefficientReader
    {
        public double Read(long index)
        {
            long r = index / cols, c = index - (r * cols);
            return start[(((c * rows) + r) * channels) + ch];
        }
    }

    private readonly struct OfMode<T>(T* src, float* dst, ImageGeometry g, SamplingGrid grid, float cval, int order, int rowStart, int rowEnd)
        : IBoundaryModeVisitor<bool>
        where T : unmanaged
    {
        public bool Visit<TMode>()
            where TMode : struct, IBoundaryMode
        {
            var visitor = new OfSampler<T, TMode>(src, dst, g, grid, cval, rowStart, rowEnd);
            return Samplers.DispatchSpline<OfSampler<T, TMode>, bool>(order, ref visitor);
        }
    }

    private readonly struct OfSampler<T, TMode>(T* src, float* dst, ImageGeometry g, SamplingGrid grid, float cval, int rowStart, int rowEnd)
        : ISplineSamplerVisitor<bool>
        where T : unmanaged
        where TMode : struct, IBoundaryMode
    {
        public bool Visit<TSampler>()
            where TSampler : struct, ISplineSampler
        {
            WarpRows<T, TMode, TSampler>(src, dst, g, grid, cval, rowStart, rowEnd);
            return true;
        }
    }
}
