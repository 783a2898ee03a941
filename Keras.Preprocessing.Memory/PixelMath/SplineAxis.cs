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
    /// counts the padding).
    /// </summary>
    public static SplineAxis Compute<TMode>(double coordinate, int n, int order, int pad)
        where TMode : struct, IBoundaryMode
    {
        var mode = default(TMode);
        double cc = mode.MapCoordinate(coordinate + pad, n);
        if (double.IsNaN(cc))
        {
            return new SplineAxis(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        }

        long start = (order & 1) != 0 ? (long)Math.Floor(cc) - (order / 2) : (long)Math.Floor(cc + 0.5) - (order / 2);

        // get_spline_interpolation_weights, operation for operation.
        double x = cc - Math.Floor((order & 1) != 0 ? cc : cc + 0.5);
        double y = x, z = 1.0 - x, t;
        double w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0;
        if (order == 2)
        {
            w1 = 0.75 - (x * x);
            y = 0.5 - x;
            w0 = 0.5 * y * y;
        }
        else if (order == 3)
        {
            w1 = ((y * y * (y - 2.0) * 3.0) + 4.0) / 6.0;
            w2 = ((z * z * (z - 2.0) * 3.0) + 4.0) / 6.0;
            w0 = z * z * z / 6.0;
        }
        else if (order == 4)
        {
            t = x * x;
            w2 = (t * ((t * 0.25) - 0.625)) + (115.0 / 192.0);
            y = 1.0 + x;
            w1 = (y * ((y * ((y * (5.0 - y) / 6.0) - 1.25)) + (5.0 / 24.0))) + (55.0 / 96.0);
            w3 = (z * ((z * ((z * (5.0 - z) / 6.0) - 1.25)) + (5.0 / 24.0))) + (55.0 / 96.0);
            y = 0.5 - x;
            t = y * y;
            w0 = t * t / 24.0;
        }
        else
        {
            t = y * y;
            w2 = (t * ((t * (0.25 - (y / 12.0))) - 0.5)) + 0.55;
            t = z * z;
            w3 = (t * ((t * (0.25 - (z / 12.0))) - 0.5)) + 0.55;
            y += 1.0;
            w1 = (y * ((y * ((y * ((y * ((y / 24.0) - 0.375)) + 1.25)) - 1.75)) + 0.625)) + 0.425;
            z += 1.0;
            w4 = (z * ((z * ((z * ((z * ((z / 24.0) - 0.375)) + 1.25)) - 1.75)) + 0.625)) + 0.425;
            y = 1.0 - x;
            t = y * y;
            w0 = y * t * t / 120.0;
        }

        // All weights add to 1: the last is 1 minus the others, subtracted in order.
        double last = 1.0 - w0;
        last = order > 1 ? last - w1 : last;
        last = order > 2 ? last - w2 : last;
        last = order > 3 ? last - w3 : last;
        last = order > 4 ? last - w4 : last;
        return new SplineAxis(
            mode.MapTap(start, n),
            mode.MapTap(start + 1, n),
            mode.MapTap(start + 2, n),
            order > 2 ? mode.MapTap(start + 3, n) : 0,
            order > 3 ? mode.MapTap(start + 4, n) : 0,
            order > 4 ? mode.MapTap(start + 5, n) : 0,
            w0,
            w1,
            order == 2 ? last : w2,
            order == 3 ? last : w3,
            order == 4 ? last : w4,
            order == 5 ? last : 0,
            0);
    }
}

/// <summary>Reads one prefiltered spline coefficient (CPU scratch or GPU view).</summary>
internal interface ICoefficientReader
{
    double Read(long index);
}

/// <summary>The order 2-5 sampler: the sum over the (order+1)² taps of two <see cref="SplineAxis"/>, in scipy's order.</summary>
internal static class SplineSampler
{
    /// <summary>
    /// The value at the taps (rows outer, columns inner, each coefficient times the row weight then the column
    /// weight, summed from 0.0) in the coefficient plane starting at <paramref name="plane"/>; taps of -1 read <paramref name="cval"/>.
    /// </summary>
    public static double Sum<TReader>(TReader coefficients, long plane, int rowStride, SplineAxis rows, SplineAxis cols, int order, double cval)
        where TReader : struct, ICoefficientReader
    {
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
