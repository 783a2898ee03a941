using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// scipy 1.10's <c>map_coordinate</c> (ni_interpolation.c) for each folding mode, on one coordinate of an axis of n
/// samples: the same operations in the same order, so that a coordinate lands where scipy's lands. The boundary-mode
/// strategies (<see cref="IBoundaryMode"/>) call these for the sampled coordinate and for the interpolation taps.
/// Pure static math on scalars, compiled by ILGPU too.
/// </summary>
internal static class BoundaryMapping
{
    /// <summary>Half-sample symmetric ("reflect", "grid-mirror"), period 2n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Reflect(double x, int n)
    {
        if (x >= 0 && x <= n - 1)
        {
            return x;
        }

        if (n <= 1)
        {
            return 0;
        }

        double period = 2.0 * n;
        if (x < 0)
        {
            if (x < -period)
            {
                x += period * (long)(-x / period);
            }

            // scipy guards against -x - 1 rounding to exactly -1 for tiny negative x.
            return x < -n ? x + period : (x > -1e-15 ? 1e-15 : -x) - 1;
        }

        x -= period * (long)(x / period);
        return x >= n ? period - x - 1 : x;
    }

    /// <summary>Whole-sample symmetric ("mirror"), period 2n-2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Mirror(double x, int n)
    {
        if (x >= 0 && x <= n - 1)
        {
            return x;
        }

        if (n <= 1)
        {
            return 0;
        }

        double period = (2.0 * n) - 2;
        if (x < 0)
        {
            x = (period * (long)(-x / period)) + x;
            return x <= 1 - n ? x + period : -x;
        }

        x -= period * (long)(x / period);
        return x >= n ? period - x : x;
    }

    /// <summary>scipy's "wrap": periodic with period n-1 (the first and last samples are the same point).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Wrap(double x, int n)
    {
        if (x >= 0 && x <= n - 1)
        {
            return x;
        }

        if (n <= 1)
        {
            return 0;
        }

        double period = n - 1;
        return x < 0 ? x + (period * ((long)(-x / period) + 1)) : x - (period * (long)(x / period));
    }

    /// <summary>"grid-wrap": periodic with period n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GridWrap(double x, int n)
    {
        if (x >= 0 && x <= n - 1)
        {
            return x;
        }

        if (n <= 1)
        {
            return 0;
        }

        return x < 0 ? x + ((double)n * ((long)((-1 - x) / n) + 1)) : x - ((double)n * (long)(x / n));
    }

    /// <summary>A tap index clamped to [0, n-1] ("nearest").</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ClampIndex(long i, int n) => i < 0 ? 0 : i >= n ? n - 1 : (int)i;
}
