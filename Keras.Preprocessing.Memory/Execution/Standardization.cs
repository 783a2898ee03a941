using Keras.Preprocessing.Memory.Sources;
using Keras.Preprocessing.Memory.PixelMath;
using NumSharp;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// The standardize steps for one batch, in Keras's order: preprocessing_function, rescale, samplewise centre,
/// samplewise std, featurewise centre, featurewise std, ZCA. Featurewise statistics are either one value per
/// channel or one per element of the image (whatever broadcast shape the user gave Keras).
/// </summary>
internal sealed class Standardization
{
    /// <summary>Keras's epsilon in the std divisions.</summary>
    public const float Epsilon = Normalization.Epsilon;

    public Func<NDArray, NDArray>? PreprocessingFunction { get; init; }

    public float? Rescale { get; init; }

    public bool SamplewiseCenter { get; init; }

    public bool SamplewiseStdNormalization { get; init; }

    /// <summary>Featurewise mean, per channel (length C) or per element (length H·W·C in image order); null to skip.</summary>
    public float[]? FeatureMean { get; init; }

    /// <summary>Featurewise std, shaped like <see cref="FeatureMean"/>; null to skip.</summary>
    public float[]? FeatureStd { get; init; }

    /// <summary>The ZCA matrix (D × D, row-major), null to skip.</summary>
    public float[]? PrincipalComponents { get; init; }

    public static Standardization None { get; } = new();

    /// <summary>True when a per-image statistic (mean, std) or a user callback is involved.</summary>
    public bool NeedsWholeImage => PreprocessingFunction is not null || SamplewiseCenter || SamplewiseStdNormalization;

    /// <summary>True when the featurewise statistics hold one value per element, not per channel.</summary>
    public bool HasElementwiseFeatures(int channels) =>
        (FeatureMean is { } m && m.Length != channels) || (FeatureStd is { } s && s.Length != channels);

    /// <summary>
    /// The per-channel affine (scale, bias) that rescale and per-channel featurewise steps amount to, given the
    /// image's own centre and spread when samplewise steps are on (pass mean 0, divisor 1 otherwise). Element-wise
    /// featurewise statistics are left out here and applied by <see cref="ApplyElementwiseFeatures"/>.
    /// </summary>
    public void ComputeChannelAffine(int channels, double sampleMean, double sampleDivisor, Span<float> scale, Span<float> bias)
    {
        double rescale = Rescale ?? 1f;
        bool featurewise = !HasElementwiseFeatures(channels);
        int hasMean = featurewise && FeatureMean is not null ? 1 : 0;
        int hasStd = featurewise && FeatureStd is not null ? 1 : 0;
        for (int ch = 0; ch < channels; ch++)
        {
            var c = Normalization.ComputeChannelCoefficients(
                rescale, sampleMean, sampleDivisor, hasMean, hasMean != 0 ? FeatureMean![ch] : 0, hasStd, hasStd != 0 ? FeatureStd![ch] : 0);
            scale[ch] = c.Scale;
            bias[ch] = c.Bias;
        }
    }

    /// <summary>Applies element-wise featurewise statistics (Keras broadcasting a full-image mean or std).</summary>
    public void ApplyElementwiseFeatures(Span<float> image, in ImageGeometry g)
    {
        int channels = g.Channels;
        if (!HasElementwiseFeatures(channels))
        {
            return;
        }

        int hasMean = FeatureMean is null ? 0 : 1, hasStd = FeatureStd is null ? 0 : 1;
        for (int i = 0; i < image.Length; i++)
        {
            int ch = g.ChannelOf(i);
            float mean = FeatureMean is { } m ? m[m.Length == channels ? ch : i] : 0;
            float std = FeatureStd is { } s ? s[s.Length == channels ? ch : i] : 0;
            image[i] = Normalization.ApplyFeature(image[i], hasMean, mean, hasStd, std);
        }
    }
}
