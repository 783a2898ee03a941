namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// One of PIL's separable convolution kernels (Resample.c) with its support radius.
/// The formulas are evaluated in double exactly as PIL writes them, so the coefficients,
/// and hence the rounded 8-bit results, come out the same.
/// </summary>
internal readonly struct ResampleFilter
{
    private readonly Interpolation _kind;

    private ResampleFilter(Interpolation kind, double support)
    {
        _kind = kind;
        Support = support;
    }

    /// <summary>Half-width of the kernel at scale 1.</summary>
    public double Support { get; }

    public static ResampleFilter For(Interpolation kind) => kind switch
    {
        Interpolation.Box => new(kind, 0.5),
        Interpolation.Bilinear => new(kind, 1.0),
        Interpolation.Hamming => new(kind, 1.0),
        Interpolation.Bicubic => new(kind, 2.0),
        Interpolation.Lanczos => new(kind, 3.0),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a convolution filter"),
    };

    public double Evaluate(double x) => _kind switch
    {
        Interpolation.Box => x > -0.5 && x <= 0.5 ? 1.0 : 0.0,
        Interpolation.Bilinear => Bilinear(x),
        Interpolation.Hamming => Hamming(x),
        Interpolation.Bicubic => Bicubic(x),
        _ => Lanczos(x),
    };

    private static double Bilinear(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Hamming(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0)
        {
            return 1.0;
        }
        if (x >= 1.0)
        {
            return 0.0;
        }
        x *= Math.PI;
        return Math.Sin(x) / x * (0.54 + 0.46 * Math.Cos(x));
    }

    private static double Bicubic(double x)
    {
        // Keys cubic with a = -0.5, written in PIL's operation order.
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0)
        {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double Lanczos(double x) => -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
}
