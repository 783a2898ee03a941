using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// The arithmetic of Keras's <c>standardize</c> after the user callback: rescale, samplewise centre and std,
/// featurewise centre and std. Pure static math on scalars (flags are ints so the GPU kernels can pass them as
/// they are), shared by the CPU engine and the GPU kernels so both round the same way.
/// </summary>
internal static class Normalization
{
    /// <summary>Keras's epsilon in the std divisions (<c>1e-6</c>).</summary>
    public const float Epsilon = 1e-6f;

    /// <summary>
    /// The per-channel affine v · scale + bias that rescale, the samplewise steps and per-channel featurewise
    /// statistics collapse into: ((v · rescale − sampleMean) / sampleDivisor − mean) / (std + ε). Pass
    /// sampleMean 0 and sampleDivisor 1 when the samplewise steps are off.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static AffineCoefficients ComputeChannelCoefficients(
        double rescale, double sampleMean, double sampleDivisor, int hasMean, float mean, int hasStd, float std)
    {
        double a = rescale / sampleDivisor;
        double b = -sampleMean / sampleDivisor;
        if (hasMean != 0)
        {
            b -= mean;
        }

        if (hasStd != 0)
        {
            double d = std + (double)Epsilon;
            a /= d;
            b /= d;
        }

        return new AffineCoefficients((float)a, (float)b);
    }

    /// <summary>
    /// Keras's samplewise statistics of one image from its mean and the sum of squared deviations from that mean:
    /// the centre it subtracts (in rescaled units) and the divisor |rescale| · std + ε.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SampleMoments ComputeSampleStatistics(double mean, double squaredDeviations, long count, double rescale, int center, int normalize)
    {
        double sampleMean = center != 0 ? mean * rescale : 0;
        double divisor = 1;
        if (normalize != 0)
        {
            double magnitude = rescale < 0 ? -rescale : rescale;
            divisor = (magnitude * Math.Sqrt(squaredDeviations / count)) + Epsilon;
        }

        return new SampleMoments(sampleMean, divisor);
    }

    /// <summary>One element's featurewise centre and std, for statistics given per element rather than per channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ApplyFeature(float v, int hasMean, float mean, int hasStd, float std)
    {
        if (hasMean != 0)
        {
            v -= mean;
        }

        if (hasStd != 0)
        {
            v /= std + Epsilon;
        }

        return v;
    }
}

/// <summary>A per-channel affine map v · <see cref="Scale"/> + <see cref="Bias"/>.</summary>
internal readonly struct AffineCoefficients
{
    /// <summary>Creates the map.</summary>
    public AffineCoefficients(float scale, float bias)
    {
        Scale = scale;
        Bias = bias;
    }

    /// <summary>The factor.</summary>
    public readonly float Scale;

    /// <summary>The offset added after the factor.</summary>
    public readonly float Bias;

    /// <summary>Applies the map.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float v) => (v * Scale) + Bias;
}

/// <summary>An image's samplewise centre and divisor, as <see cref="Normalization.ComputeSampleStatistics"/> derives them.</summary>
internal readonly struct SampleMoments
{
    /// <summary>Creates the pair.</summary>
    public SampleMoments(double mean, double divisor)
    {
        Mean = mean;
        Divisor = divisor;
    }

    /// <summary>The centre subtracted (0 when samplewise centring is off).</summary>
    public readonly double Mean;

    /// <summary>The divisor (1 when samplewise std normalization is off).</summary>
    public readonly double Divisor;
}
