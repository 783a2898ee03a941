using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Tests.Engine;

/// <summary><see cref="Taps.Compute{TMode, TSampler}"/> for a runtime fill mode and order, through the library's own dispatch.</summary>
internal static class TapsOfMode
{
    public static Taps Compute(double row, double col, int rows, int cols, FillMode mode, int order)
    {
        var visitor = new Visitor(row, col, rows, cols, order);
        return BoundaryModes.Dispatch<Visitor, Taps>(mode, ref visitor);
    }

    /// <summary>The value of one order-0/1 sample of a float image (row-major, one channel), cval for outside taps.</summary>
    public static float Sample(ReadOnlySpan<float> image, int rows, int cols, double row, double col, FillMode mode, int order, float cval)
    {
        var t = Compute(row, col, rows, cols, mode, order);
        if (t.IsOutside != 0)
        {
            return cval;
        }

        return Taps.Blend(
            Read(image, cols, t.Row0, t.Col0, cval),
            Read(image, cols, t.Row0, t.Col1, cval),
            Read(image, cols, t.Row1, t.Col0, cval),
            Read(image, cols, t.Row1, t.Col1, cval),
            t.RowWeight,
            t.ColWeight);
    }

    private static float Read(ReadOnlySpan<float> image, int cols, int r, int c, float cval) => r < 0 || c < 0 ? cval : image[(r * cols) + c];

    private readonly struct Visitor(double row, double col, int rows, int cols, int order) : IBoundaryModeVisitor<Taps>
    {
        public Taps Visit<TMode>()
            where TMode : struct, IBoundaryMode
        {
            var visitor = new OfSampler<TMode>(row, col, rows, cols);
            return Samplers.DispatchPoint<OfSampler<TMode>, Taps>(order, ref visitor);
        }
    }

    private readonly struct OfSampler<TMode>(double row, double col, int rows, int cols) : IPointSamplerVisitor<Taps>
        where TMode : struct, IBoundaryMode
    {
        public Taps Visit<TSampler>()
            where TSampler : struct, IPointSampler => Taps.Compute<TMode, TSampler>(row, col, rows, cols);
    }
}
