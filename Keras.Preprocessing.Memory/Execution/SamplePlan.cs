using Keras.Preprocessing.Memory.Augmentations;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sampling;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// Everything one sample's augmentation needs, resolved from its <see cref="TransformParameters"/>:
/// where to sample (warp and flips folded into a grid) and the per-image value shifts. Blittable, so the
/// GPU executor uploads an array of these as it is.
/// </summary>
internal readonly struct SamplePlan
{
    /// <summary>Index of the source image in the dataset.</summary>
    public readonly int SourceIndex;

    /// <summary>The output-to-input sampling map.</summary>
    public readonly SamplingGrid Grid;

    /// <summary>1 when a channel shift is applied.</summary>
    public readonly int HasChannelShift;

    /// <summary>The channel shift intensity.</summary>
    public readonly float ChannelShift;

    /// <summary>1 when a brightness factor is applied.</summary>
    public readonly int HasBrightness;

    /// <summary>The brightness factor.</summary>
    public readonly float Brightness;

    /// <summary>The augmentations beyond Keras, applied last (<see cref="AugmentationHooks"/>).</summary>
    public readonly ExtensionPlan Extensions;

    internal SamplePlan(int sourceIndex, SamplingGrid grid, double? channelShift, double? brightness, ExtensionPlan extensions = default)
    {
        Extensions = extensions;
        SourceIndex = sourceIndex;
        Grid = grid;
        HasChannelShift = channelShift.HasValue ? 1 : 0;
        ChannelShift = (float)(channelShift ?? 0);
        HasBrightness = brightness.HasValue ? 1 : 0;
        Brightness = (float)(brightness ?? 0);
    }

    /// <summary>True when the image's min and max after the warp are needed (channel shift or brightness).</summary>
    public bool NeedsExtremes => HasChannelShift != 0 || HasBrightness != 0;

    /// <summary>The same plan reading image <paramref name="sourceIndex"/> instead (the slot of a streamed copy).</summary>
    internal SamplePlan WithSourceIndex(int sourceIndex) =>
        new(sourceIndex, Grid, HasChannelShift != 0 ? ChannelShift : null, HasBrightness != 0 ? Brightness : null, Extensions);

    /// <summary>Resolves a transform for an image of the given size.</summary>
    internal static SamplePlan Create(int sourceIndex, in TransformParameters p, int rows, int cols) => new(
        sourceIndex,
        SamplingGrid.Create(KerasAffine.Build(p, rows, cols), p.FlipHorizontal, p.FlipVertical, rows, cols),
        p.ChannelShiftIntensity,
        p.Brightness,
        p.Extensions);
}
