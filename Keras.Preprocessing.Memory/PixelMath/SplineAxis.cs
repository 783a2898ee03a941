using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// The taps of an order 2-5 spline along one axis: up to six mapped sample indices (-1 reads <c>cval</c>) and
/// their weights, as scipy 1.10's <c>NI_GeometricTransform</c> and <c>get_spline_interpolation_weights</c> compute
/// them. Plain fields rather than arrays, so ILGPU compiles it; the sampler (<see cref="SplineSampler"/>) combines
/// two of these.
/// </summary>
internal readonly struct SplineAxis
{
    public readonly int T0, T1, T2, T3, T4, T5;
    public readonly double W0, W1, W2, W3, W4, W5;

    /// <summary>1 when the whole pixel takes <c>cval</c> (constant mode, outside the image).</summary>
    public readonly int IsOutside;

    private SplineAxis(int t0, int t1, int t2, int t3, int t4, int t5, double w0, double w1, double w2, double w3, double w4, double w5, int outside)
    {
        T0 = t0;
        T1 = t1;
        T2 = t2;
        T3 = t3;
        T4 = t4;
        T5 = t5;
        W0 = w0;
        W1 = w1;
        W2 = w2;
        W3 = w3;
        W4 = w4;
        W5 = w5;
        IsOutside = outside;
    }

    /// <summary>Tap <paramref name="k"/>'s sample index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Tap(int k) => k == 0 ? T0 : k == 1 ? T1 : k == 2 ? T2 : k == 3 ? T3 : k == 4 ? T4 : T5;

    /// <summary>Tap <paramref name="k"/>'s weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Weight(int k) => k == 0 ? W0 : k == 1 ? W1 : k == 2 ? W2 : k == 3 ? W3 : k == 4 ? W4 : W5;

    /// <summary>
    /// The taps for <paramref name="coordinate"/> on an axis of <paramref name="n"/> samples, padded by
    /// <paramref name="pad"/> on each side before the prefilter (scipy's <c>nprepad</c>; <paramref name="n"/>
    /// counts the padding), for the order of <typeparamref name="TSampler"/>.
    /// </summary>
    public static SplineAxis Compute<TMode, TSampler>(double coordinate, int n, int pad)
        where TMode : struct, IBoundaryMode
        where TSampler : struct, ISplineSampler
    {
        var mode = default(TMode);
        var sampler = default(TSampler);
        int order = sampler.Order;
        double cc = mode.MapCoordinate(coordinate + pad, n);
        if (double.IsNaN(cc))
        {
            return new SplineAxis(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        }

        // Odd orders start at floor(cc), even ones at the nearest sample, order / 2 taps before it.
        double centre = Math.Floor((order & 1) != 0 ? cc : cc + 0.5);
        long start = (long)centre - (order / 2);
        var w = sampler.Weights(cc - centre);

        // All weights add to 1: the last is 1 minus the others, subtracted in order.
        double last = 1.0 - w.W0;
        last = order > 1 ? last - w.W1 : last;
        last = order > 2 ? last - w.W2 : last;
        last = order > 3 ? last - w.W3 : last;
        last = order > 4 ? last - w.W4 : last;
        return new SplineAxis(
            mode.MapTap(start, n),
            mode.MapTap(start + 1, n),
            mode.MapTap(start + 2, n),
            order > 2 ? mode.MapTap(start + 3, n) : 0,
            order > 3 ? mode.MapTap(start + 4, n) : 0,
            order > 4 ? mode.MapTap(start + 5, n) : 0,
            w.W0,
            w.W1,
            order == 2 ? last : w.W2,
            order == 3 ? last : w.W3,
            order == 4 ? last : w.W4,
            order == 5 ? last : 0,
            0);
    }
}

/// <summary>Reads one prefiltered spline coefficient (CPU scratch or GPU view).</summary>
internal interface ICoefficientReader
{
    double Read(long index);
}

/// <summary>The order 2-5 evaluation, for every <see cref="ISplineSampler"/>: the sum over the (order+1)² taps of two <see cref="SplineAxis"/>, in scipy's order.</summary>
internal static class SplineSampler
{
    /// <summary>
    /// The value at the taps (rows outer, columns inner, each coefficient times the row weight then the column
    /// weight, summed from 0.0) in the coefficient plane starting at <paramref name="plane"/>; taps of -1 read <paramref name="cval"/>.
    /// </summary>
    public static double Sum<TReader, TSampler>(TReader coefficients, long plane, int rowStride, SplineAxis rows, SplineAxis cols, double cval)
        where TReader : struct, ICoefficientReader
        where TSampler : struct, ISplineSampler
    {
        int order = default(TSampler).Order;
        double t = 0.0;
        for (int i = 0; i <= order; i++)
        {
            int r = rows.Tap(i);
            double wy = rows.Weight(i);
            long rowStart = plane + ((long)r * rowStride);
            for (int j = 0; j <= order; j++)
            {
                int c = cols.Tap(j);
                double coeff = r < 0 || c < 0 ? cval : coefficients.Read(rowStart + c);
                coeff *= wy;
                coeff *= cols.Weight(j);
                t += coeff;
            }
        }

        return t;
    }
}
