using ILGPU;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The GPU path of <c>interpolation_order</c> 2-5, the same math as the CPU's <c>SplineWarp</c> (PixelMath's
/// <see cref="SplinePrefilter"/>, <see cref="SplineAxis"/>, <see cref="SplineSampler"/>): <see cref="Pad{TSource, TMode}"/>
/// copies each channel of each sample into a float64 plane (padded as the mode asks), <see cref="FilterLines{TMode, TSampler}"/>
/// prefilters the planes along columns then rows (one thread per line), and <see cref="WarpSpline{TSource, TMode, TSampler}"/>
/// samples them at scipy's exact coordinates (one thread per output pixel). Plane (s, ch) of the coefficients
/// starts at ((s · channels) + ch) · planeRows · planeCols.
/// </summary>
internal static class SplineKernels
{
    /// <summary>One thread per coefficient: channel ch of sample s as float32 then float64, edge or cval where padded.</summary>
    public static void Pad<TSource, TMode>(Index1D index, TSource source, KernelViews views, ArrayView<double> coefficients)
        where TSource : struct, IElementReader
        where TMode : struct, IBoundaryMode
    {
        var g = views.Arguments.Geometry;
        var mode = default(TMode);
        int pad = mode.PrefilterPad;
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad);
        int line = index / cols;
        int j = index - (line * cols);
        int plane = line / rows;
        int i = line - (plane * rows);
        int s = plane / g.Channels;
        int ch = plane - (s * g.Channels);
        int sr = mode.MapTap(i - pad, g.Rows), sc = mode.MapTap(j - pad, g.Cols);
        long at = ((long)views.Plans[s].SourceIndex * g.Size) + ((long)sr * g.RowStride) + ((long)sc * g.PixelStride) + ((long)ch * g.ChannelStride);
        coefficients[index] = sr < 0 || sc < 0 ? views.Arguments.Cval : source.Read(at);
    }

    /// <summary>
    /// One thread per line of every plane: along columns (each column, <paramref name="alongColumns"/> = 1, scipy's
    /// axis 0, first) or along rows (each row, axis 1).
    /// </summary>
    public static void FilterLines<TMode, TSampler>(Index1D index, KernelViews views, ArrayView<double> coefficients, int alongColumns)
        where TMode : struct, IBoundaryMode
        where TSampler : struct, ISplineSampler
    {
        var args = views.Arguments;
        var g = args.Geometry;
        var mode = default(TMode);
        int pad = mode.PrefilterPad;
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad);
        long planeSize = (long)rows * cols;
        int perPlane = alongColumns != 0 ? cols : rows;
        int plane = index / perPlane;
        int k = index - (plane * perPlane);
        long start = (plane * planeSize) + (alongColumns != 0 ? k : (long)k * cols);
        var line = new ViewLine(coefficients, start, alongColumns != 0 ? cols : 1);
        SplinePrefilter.FilterLine(line, alongColumns != 0 ? rows : cols, default(TSampler).Order, mode.PrefilterBoundary);
    }

    /// <summary>
    /// One thread per output pixel: the order-n spline of every channel at scipy's exact coordinate, then the warp's
    /// usual last step (<see cref="AugmentationKernels.StoreWarped"/>). Flip-only samples copy whole source pixels,
    /// as Keras calls no affine_transform for them.
    /// </summary>
    public static void WarpSpline<TSource, TMode, TSampler>(Index1D index, TSource source, KernelViews views, ArrayView<double> coefficients)
        where TSource : struct, IElementReader
        where TMode : struct, IBoundaryMode
        where TSampler : struct, ISplineSampler
    {
        var args = views.Arguments;
        var g = args.Geometry;
        var pixel = new WarpPixel(index, views);
        int s = pixel.Sample, r = pixel.Row, c = pixel.Col;
        var plan = pixel.Plan;
        var grid = plan.Grid;
        long dst = pixel.Destination;
        bool finish = pixel.Finish, extensions = pixel.Extensions;

        if (grid.IsPixelAligned != 0)
        {
            long at = ((long)plan.SourceIndex * g.Size) + ((long)grid.WarpedRow(r) * g.RowStride) + ((long)grid.WarpedCol(c) * g.PixelStride);
            for (int ch = 0; ch < g.Channels; ch++)
            {
                AugmentationKernels.StoreWarped(source.Read(at + ((long)ch * g.ChannelStride)), s, r, c, ch, dst, plan, views, finish, extensions);
            }

            return;
        }

        int pad = default(TMode).PrefilterPad;
        int rows = g.Rows + (2 * pad), cols = g.Cols + (2 * pad);
        long planeSize = (long)rows * cols;
        var exact = new ExactCoordinates(views, s, r, c);
        var ay = SplineAxis.Compute<TMode, TSampler>(exact.Row(grid), rows, pad);
        var ax = SplineAxis.Compute<TMode, TSampler>(exact.Col(grid), cols, pad);
        bool outside = (ay.IsOutside | ax.IsOutside) != 0;
        var reader = new ViewCoefficients(coefficients);
        for (int ch = 0; ch < g.Channels; ch++)
        {
            float v = outside
                ? args.Cval
                : (float)SplineSampler.Sum<ViewCoefficients, TSampler>(reader, (((long)s * g.Channels) + ch) * planeSize, cols, ay, ax, args.Cval);
            AugmentationKernels.StoreWarped(v, s, r, c, ch, dst, plan, views, finish, extensions);
        }
    }

    /// <summary>Coefficients per batch: samples × channels × the padded plane.</summary>
    public static long CoefficientCount(int samples, in Sources.ImageGeometry g, int pad) =>
        (long)samples * g.Channels * (g.Rows + (2L * pad)) * (g.Cols + (2L * pad));

    /// <summary>A strided line of a device coefficient buffer.</summary>
    private readonly struct ViewLine(ArrayView<double> view, long start, int stride) : ISplineLine
    {
        private readonly ArrayView<double> _view = view;
        private readonly long _start = start;
        private readonly int _stride = stride;

        public double Get(int i) => _view[_start + ((long)i * _stride)];

        public void Set(int i, double value) => _view[_start + ((long)i * _stride)] = value;
    }

    /// <summary>A device coefficient buffer.</summary>
    private readonly struct ViewCoefficients(ArrayView<double> view) : ICoefficientReader
    {
        private readonly ArrayView<double> _view = view;

        public double Read(long index) => _view[index];
    }
}
