using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>A strided line of float64 values that the prefilter rewrites in place (CPU memory or a GPU view).</summary>
internal interface ISplineLine
{
    double Get(int i);

    void Set(int i, double value);
}

/// <summary>
/// scipy 1.10's B-spline prefilter for orders 2-5 (<c>spline_filter1d</c>, ni_splines.c <c>apply_filter</c>): gain,
/// then for each pole a causal and an anti-causal recursion whose first coefficients come from the mode's initial
/// conditions. The same operations in the same order, in float64, so coefficients match scipy's to the last bits
/// (z^n is a product of n factors instead of libm's pow, a few ulps at most). Shared by the CPU engine and the GPU
/// prefilter kernel.
/// </summary>
internal static class SplinePrefilter
{
    /// <summary>Filters one line of <paramref name="n"/> samples in place (a line of one sample is left as it is, as scipy does).</summary>
    public static void FilterLine<TLine>(TLine c, int n, int order, SplineBoundary boundary)
        where TLine : struct, ISplineLine
    {
        if (n <= 1)
        {
            return;
        }

        int poles = order / 2;
        double z0 = Pole(order, 0), z1 = Pole(order, 1);
        double gain = (1.0 - z0) * (1.0 - (1.0 / z0));
        if (poles > 1)
        {
            gain *= (1.0 - z1) * (1.0 - (1.0 / z1));
        }

        for (int i = 0; i < n; i++)
        {
            c.Set(i, c.Get(i) * gain);
        }

        Apply(c, n, z0, boundary);
        if (poles > 1)
        {
            Apply(c, n, z1, boundary);
        }
    }

    /// <summary>Pole <paramref name="k"/> of the order's filter (get_filter_poles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Pole(int order, int k)
    {
        if (order == 2)
        {
            return -0.171572875253809902396622551580603843;
        }

        if (order == 3)
        {
            return -0.267949192431122706472553658494127633;
        }

        if (order == 4)
        {
            return k == 0 ? -0.361341225900220177092212841325675255 : -0.013725429297339121360331226939128204;
        }

        return k == 0 ? -0.430575347099973791851434783493520110 : -0.043096288203264653822712376822550182;
    }

    private static void Apply<TLine>(TLine c, int n, double z, SplineBoundary boundary)
        where TLine : struct, ISplineLine
    {
        if (boundary == SplineBoundary.Wrap)
        {
            InitCausalWrap(c, n, z);
        }
        else if (boundary == SplineBoundary.Reflect)
        {
            InitCausalReflect(c, n, z);
        }
        else
        {
            InitCausalMirror(c, n, z);
        }

        for (int i = 1; i < n; i++)
        {
            c.Set(i, c.Get(i) + (z * c.Get(i - 1)));
        }

        if (boundary == SplineBoundary.Wrap)
        {
            InitAntiCausalWrap(c, n, z);
        }
        else if (boundary == SplineBoundary.Reflect)
        {
            c.Set(n - 1, c.Get(n - 1) * (z / (z - 1)));
        }
        else
        {
            c.Set(n - 1, ((z * c.Get(n - 2)) + c.Get(n - 1)) * z / ((z * z) - 1));
        }

        for (int i = n - 2; i >= 0; i--)
        {
            c.Set(i, z * (c.Get(i + 1) - c.Get(i)));
        }
    }

    internal static double Power(double z, int n)
    {
        double p = 1.0;
        for (int i = 0; i < n; i++)
        {
            p *= z;
        }

        return p;
    }

    private static void InitCausalMirror<TLine>(TLine c, int n, double z)
        where TLine : struct, ISplineLine
    {
        double zi = z;
        double zn1 = Power(z, n - 1);
        double c0 = c.Get(0) + (zn1 * c.Get(n - 1));
        for (int i = 1; i < n - 1; i++)
        {
            c0 += zi * (c.Get(i) + (zn1 * c.Get(n - 1 - i)));
            zi *= z;
        }

        c.Set(0, c0 / (1 - (zn1 * zn1)));
    }

    private static void InitCausalWrap<TLine>(TLine c, int n, double z)
        where TLine : struct, ISplineLine
    {
        double zi = z;
        double c0 = c.Get(0);
        for (int i = 1; i < n; i++)
        {
            c0 += zi * c.Get(n - i);
            zi *= z;
        }

        c.Set(0, c0 / (1 - zi));
    }

    private static void InitAntiCausalWrap<TLine>(TLine c, int n, double z)
        where TLine : struct, ISplineLine
    {
        double zi = z;
        double last = c.Get(n - 1);
        for (int i = 0; i < n - 1; i++)
        {
            last += zi * c.Get(i);
            zi *= z;
        }

        c.Set(n - 1, last * (z / (zi - 1)));
    }

    /// <remarks>
    /// scipy 1.10 accumulates this sum in c[0] itself, so its last term (i = n - 1) reads the partial sum where
    /// the closed form wants the original c[0]; the difference is a few 1e-3 on lines of a few samples and
    /// vanishes (z^n) on long ones. We read what scipy reads.
    /// </remarks>
    private static void InitCausalReflect<TLine>(TLine c, int n, double z)
        where TLine : struct, ISplineLine
    {
        double zi = z;
        double zn = Power(z, n);
        double first = c.Get(0);
        double c0 = first + (zn * c.Get(n - 1));
        for (int i = 1; i < n; i++)
        {
            double mirrored = i == n - 1 ? c0 : c.Get(n - 1 - i);
            c0 += zi * (c.Get(i) + (zn * mirrored));
            zi *= z;
        }

        c0 *= z / (1 - (zn * zn));
        c.Set(0, c0 + first);
    }
}
