using System.Buffers;
using System.Runtime.CompilerServices;
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
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad), plane = rows * cols;
        double[] rented = ArrayPool<double>.Shared.Rent(g.Channels * plane);
        try
        {
            fixed (double* coefficients = rented)
            {
                for (int ch = 0; ch < g.Channels; ch++)
                {
                    Prefilter<T, TMode>(src, coefficients + ((long)ch * plane), g, ch, pad, cval, order);
                }

                var reader = new PointerCoefficients(coefficients);
                for (int r = rowStart; r < rowEnd; r++)
                {
                    for (int c = 0; c < g.Cols; c++)
                    {
                        float* o = dst + ((long)r * g.RowStride) + ((long)c * g.PixelStride);
                        var ay = SplineAxis.Compute<TMode>(grid.ExactRowAt(r, c), rows, order, pad);
                        var ax = SplineAxis.Compute<TMode>(grid.ExactColAt(r, c), cols, order, pad);
                        bool outside = (ay.IsOutside | ax.IsOutside) != 0;
                        for (int ch = 0; ch < g.Channels; ch++)
                        {
                            o[ch * g.ChannelStride] = outside ? cval : (float)SplineSampler.Sum(reader, (long)ch * plane, cols, ay, ax, order, cval);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>Channel <paramref name="ch"/> as float32 then float64, padded (edge values or cval) and prefiltered, into <paramref name="plane"/>.</summary>
    private static void Prefilter<T, TMode>(T* src, double* plane, in ImageGeometry g, int ch, int pad, float cval, int order)
        where T : unmanaged
        where TMode : struct, IBoundaryMode
    {
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad);
        var mode = default(TMode);
        for (int i = 0; i < rows; i++)
        {
            // numpy.pad: "edge" for nearest (the clamped tap), "constant" with cval for grid-constant (tap -1).
            int sr = mode.MapTap(i - pad, g.Rows);
            for (int j = 0; j < cols; j++)
            {
                int sc = mode.MapTap(j - pad, g.Cols);
                plane[((long)i * cols) + j] = sr < 0 || sc < 0
                    ? cval
                    : WarpKernels.Load(src + ((long)sr * g.RowStride) + ((long)sc * g.PixelStride) + ((long)ch * g.ChannelStride));
            }
        }

        var boundary = mode.PrefilterBoundary;
        for (int j = 0; j < cols; j++)
        {
            SplinePrefilter.FilterLine(new PointerLine(plane + j, cols), rows, order, boundary);
        }

        for (int i = 0; i < rows; i++)
        {
            SplinePrefilter.FilterLine(new PointerLine(plane + ((long)i * cols), 1), cols, order, boundary);
        }
    }

    /// <summary>A strided line of the CPU scratch.</summary>
    private readonly struct PointerLine(double* start, int stride) : ISplineLine
    {
        public double Get(int i) => start[(long)i * stride];

        public void Set(int i, double value) => start[(long)i * stride] = value;
    }

    /// <summary>The CPU scratch's coefficients.</summary>
    private readonly struct PointerCoefficients(double* start) : ICoefficientReader
    {
        public double Read(long index) => start[index];
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
