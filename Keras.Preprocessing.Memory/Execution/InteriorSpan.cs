using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>The interior-span geometry of the CPU warp: which output columns of a row need no boundary rule.</summary>
internal static class InteriorSpan
{
    /// <summary>
    /// The output columns [c0, c1) whose input coordinate lies in [0, n-1) on both axes, so that both bilinear
    /// taps are in range and no boundary rule applies. Estimated in closed form, then checked at its ends
    /// (the coordinate is monotone in c, so the ends decide).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Find(double y, double dy, int rows, double x, double dx, int cols, out int c0, out int c1)
    {
        c0 = 0;
        c1 = cols;
        Clip(y, dy, rows - 1, ref c0, ref c1);
        Clip(x, dx, cols - 1, ref c0, ref c1);
        while (c0 < c1 && !Inside(y + (c0 * dy), rows - 1, x + (c0 * dx), cols - 1))
        {
            c0++;
        }

        while (c1 > c0 && !Inside(y + ((c1 - 1) * dy), rows - 1, x + ((c1 - 1) * dx), cols - 1))
        {
            c1--;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static bool Inside(double yy, double ylimit, double xx, double xlimit) => yy >= 0 && yy < ylimit && xx >= 0 && xx < xlimit;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Clip(double a, double d, double limit, ref int lo, ref int hi)
        {
            if (limit <= 0 || !double.IsFinite(a) || !double.IsFinite(d))
            {
                hi = lo;
                return;
            }

            if (d == 0)
            {
                if (!(a >= 0 && a < limit))
                {
                    hi = lo;
                }

                return;
            }

            double t0 = -a / d, t1 = (limit - a) / d;
            double first = Math.Ceiling(Math.Min(t0, t1)) - 1, last = Math.Floor(Math.Max(t0, t1)) + 1;
            lo = Math.Max(lo, (int)Math.Clamp(first, 0, hi));
            hi = Math.Min(hi, (int)Math.Clamp(last + 1, lo, hi));
        }
    }
}
