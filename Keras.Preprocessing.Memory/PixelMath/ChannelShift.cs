using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// Keras's <c>apply_channel_shift</c>, one value at a time: add the intensity, then clip to the warped image's own
/// minimum and maximum (taken before the shift). Pure static math on scalars, shared by the CPU engine and the
/// GPU kernels.
/// </summary>
internal static class ChannelShift
{
    /// <summary>The shifted value of <paramref name="v"/> in an image whose extremes are <paramref name="min"/> and <paramref name="max"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float v, float intensity, float min, float max)
    {
        float shifted = v + intensity;
        shifted = shifted < min ? min : shifted;
        return shifted > max ? max : shifted;
    }

    /// <summary>
    /// The image's extremes after the shift. The clip is monotone, so they are the old extremes shifted and
    /// clipped; brightness, which runs next, needs them without another pass over the image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ImageExtremes ShiftExtremes(float intensity, float min, float max) =>
        new(Apply(min, intensity, min, max), Apply(max, intensity, min, max));
}

/// <summary>An image's smallest and largest value.</summary>
internal readonly struct ImageExtremes
{
    /// <summary>Creates the pair.</summary>
    public ImageExtremes(float min, float max)
    {
        Min = min;
        Max = max;
    }

    /// <summary>The smallest value.</summary>
    public readonly float Min;

    /// <summary>The largest value.</summary>
    public readonly float Max;
}
