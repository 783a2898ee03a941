using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// <see cref="SplinePrefilter.FilterLine"/> on many lines at once: <c>lanes</c> independent lines side by side in
/// memory, position k of every line in the contiguous row <c>block + k · stride</c>. Each step is the scalar
/// filter's step done lane-wise (Vector256 where it fits, no fused multiply-add), so every line gets exactly the
/// values the scalar filter gives it (<c>SplineWarpTests</c> checks that bit for bit); the recursions then stream
/// through memory instead of walking one strided line at a time.
/// </summary>
internal static unsafe class SplinePrefilterLanes
{
    /// <summary>Filters the <paramref name="lanes"/> lines of <paramref name="n"/> positions in place; <paramref name="scratch"/> holds 2 · <paramref name="lanes"/> doubles.</summary>
    public static void Filter(double* block, long stride, int n, int lanes, int order, SplineBoundary boundary, double* scratch)
    {
        if (n <= 1)
        {
            return;
        }

        int poles = order / 2;
        double z0 = SplinePrefilter.Pole(order, 0), z1 = SplinePrefilter.Pole(order, 1);
        double gain = (1.0 - z0) * (1.0 - (1.0 / z0));
        if (poles > 1)
        {
            gain *= (1.0 - z1) * (1.0 - (1.0 / z1));
        }

        for (int k = 0; k < n; k++)
        {
            Scale(block + (k * stride), gain, lanes);
        }

        Apply(block, stride, n, lanes, z0, boundary, scratch);
        if (poles > 1)
        {
            Apply(block, stride, n, lanes, z1, boundary, scratch);
        }
    }

    private static void Apply(double* c, long stride, int n, int lanes, double z, SplineBoundary boundary, double* scratch)
    {
        double* first = c, last = c + ((n - 1) * stride);
        if (boundary == SplineBoundary.Wrap)
        {
            // c0 += z^i · c[n-i], i = 1..n-1; c0 /= 1 - z^n
            double zi = z;
            for (int i = 1; i < n; i++)
            {
                AddScaled(first, zi, c + ((n - i) * stride), lanes);
                zi *= z;
            }

            Divide(first, 1 - zi, lanes);
        }
        else if (boundary == SplineBoundary.Reflect)
        {
            double zi = z, zn = SplinePrefilter.Power(z, n);
            Copy(scratch, first, lanes); // c0, kept for the end

            // acc = c0 + zn·c[n-1]; acc += z^i (c[i] + zn·c[n-1-i]); acc *= z / (1 - zn²); c[0] = acc + c0
            double* acc = scratch + lanes;
            for (int l = 0; l < lanes; l++)
            {
                acc[l] = scratch[l] + (zn * last[l]);
            }

            for (int i = 1; i < n; i++)
            {
                // The last term reads the partial sum, as scipy 1.10 does (see SplinePrefilter.InitCausalReflect).
                double* a = c + (i * stride), b = i == n - 1 ? acc : c + ((n - 1 - i) * stride);
                for (int l = 0; l < lanes; l++)
                {
                    acc[l] += zi * (a[l] + (zn * b[l]));
                }

                zi *= z;
            }

            double factor = z / (1 - (zn * zn));
            for (int l = 0; l < lanes; l++)
            {
                first[l] = (acc[l] * factor) + scratch[l];
            }
        }
        else
        {
            // c0 = c[0] + z^(n-1)·c[n-1]; c0 += z^i (c[i] + z^(n-1)·c[n-1-i]), i = 1..n-2; c0 /= 1 - z^(2n-2)
            double zi = z, zn1 = SplinePrefilter.Power(z, n - 1);
            AddScaled(first, zn1, last, lanes);
            for (int i = 1; i < n - 1; i++)
            {
                double* a = c + (i * stride), b = c + ((n - 1 - i) * stride);
                for (int l = 0; l < lanes; l++)
                {
                    first[l] += zi * (a[l] + (zn1 * b[l]));
                }

                zi *= z;
            }

            Divide(first, 1 - (zn1 * zn1), lanes);
        }

        for (int k = 1; k < n; k++)
        {
            AddScaled(c + (k * stride), z, c + ((k - 1) * stride), lanes);
        }

        if (boundary == SplineBoundary.Wrap)
        {
            double zi = z;
            for (int i = 0; i < n - 1; i++)
            {
                AddScaled(last, zi, c + (i * stride), lanes);
                zi *= z;
            }

            Scale(last, z / (zi - 1), lanes);
        }
        else if (boundary == SplineBoundary.Reflect)
        {
            Scale(last, z / (z - 1), lanes);
        }
        else
        {
            double* previous = last - stride;
            double denominator = (z * z) - 1;
            for (int l = 0; l < lanes; l++)
            {
                last[l] = ((z * previous[l]) + last[l]) * z / denominator;
            }
        }

        for (int k = n - 2; k >= 0; k--)
        {
            double* row = c + (k * stride), next = row + stride;
            int l = 0;
            var vz = Vector256.Create(z);
            for (; l + 4 <= lanes; l += 4)
            {
                (vz * (Vector256.Load(next + l) - Vector256.Load(row + l))).Store(row + l);
            }

            for (; l < lanes; l++)
            {
                row[l] = z * (next[l] - row[l]);
            }
        }
    }

    /// <summary>row[l] += a · x[l] (the scalar filter's <c>c + (z * other)</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(double* row, double a, double* x, int lanes)
    {
        int l = 0;
        var va = Vector256.Create(a);
        for (; l + 4 <= lanes; l += 4)
        {
            (Vector256.Load(row + l) + (va * Vector256.Load(x + l))).Store(row + l);
        }

        for (; l < lanes; l++)
        {
            row[l] += a * x[l];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(double* row, double a, int lanes)
    {
        int l = 0;
        var va = Vector256.Create(a);
        for (; l + 4 <= lanes; l += 4)
        {
            (Vector256.Load(row + l) * va).Store(row + l);
        }

        for (; l < lanes; l++)
        {
            row[l] *= a;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Divide(double* row, double d, int lanes)
    {
        for (int l = 0; l < lanes; l++)
        {
            row[l] /= d;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(double* to, double* from, int lanes) => Buffer.MemoryCopy(from, to, lanes * sizeof(double), lanes * sizeof(double));
}
