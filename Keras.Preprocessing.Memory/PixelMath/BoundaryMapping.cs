using System.Runtime.CompilerServices;
using Keras.Preprocessing.Memory.Parameters;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// scipy.ndimage's boundary handling for an order-0/1 <c>affine_transform</c>, which Keras relies on: first the
/// coordinate is folded into the image by the mode, then the interpolation taps are clamped to the edge.
/// Pure static math on scalars, shared by the CPU engine and the GPU kernel.
/// </summary>
internal static class BoundaryMapping
{
    /// <summary>What <see cref="MapCoordinate"/> returns in constant mode for a coordinate outside [0, n-1].</summary>
    public const double Outside = -1.0;

    /// <summary>
    /// Folds coordinate <paramref name="x"/> on an axis of <paramref name="n"/> samples into the image, as scipy's
    /// <c>map_coordinate</c> does. Constant mode returns <see cref="Outside"/> for anything beyond [0, n-1]
    /// (scipy does not blend with cval); wrap is periodic with period n-1, not n (scipy's "wrap" quirk).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MapCoordinate(double x, int n, FillMode mode)
    {
        if (x < 0)
        {
            if (mode == FillMode.Nearest)
            {
                return 0;
            }

            if (mode == FillMode.Constant)
            {
                return Outside;
            }

            if (n <= 1)
            {
                return 0;
            }

            if (mode == FillMode.Reflect)
            {
                double period = 2.0 * n;
                if (x < -period)
                {
                    x += period * (long)(-x / period);
                }

                // scipy guards against -x - 1 rounding to exactly -1 for tiny negative x.
                return x < -n ? x + period : (x > -1e-15 ? 1e-15 : -x) - 1;
            }

            double wrapPeriod = n - 1;
            return x + (wrapPeriod * ((long)(-x / wrapPeriod) + 1));
        }

        if (x > n - 1)
        {
            if (mode == FillMode.Nearest)
            {
                return n - 1;
            }

            if (mode == FillMode.Constant)
            {
                return Outside;
            }

            if (n <= 1)
            {
                return 0;
            }

            if (mode == FillMode.Reflect)
            {
                double period = 2.0 * n;
                x -= period * (long)(x / period);
                return x >= n ? period - x - 1 : x;
            }

            double wrapPeriod = n - 1;
            return x - (wrapPeriod * (long)(x / wrapPeriod));
        }

        return x;
    }

    /// <summary>An interpolation tap index clamped to [0, n-1]; with the folding above this matches scipy for every mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ClampIndex(long i, int n) => i < 0 ? 0 : i >= n ? n - 1 : (int)i;
}
