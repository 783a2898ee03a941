using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// Keras's brightness shift, one value at a time. The reference (keras_preprocessing 1.1.0) round-trips the image
/// through PIL: <c>array_to_img</c> shifts negatives up, divides by the image's max and multiplies by 255 in
/// float32, truncates to uint8; <c>ImageEnhance.Brightness</c> blends with black, i.e. truncates factor · q
/// (factor as a C float) and clips to 255; the alpha band of RGBA images passes through. Data already in
/// 0..255 follows that exactly. Other ranges (e.g. [0, 1] images, where the reference would return 0..255)
/// keep their range: the value is multiplied by the factor and clipped to the image's own max, unquantised.
/// </summary>
internal static class PilBrightness
{
    /// <summary>Whether an image with these extremes takes the reference's exact 0..255 path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsByteRange(float min, float max) => min >= 0 && max > 1 && max <= 255;

    /// <summary>Whether <paramref name="channel"/> is the alpha band PIL leaves alone: only RGBA images have one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAlpha(int channel, int channels) => channels == 4 && channel == 3;

    /// <summary>
    /// The brightness-shifted value of <paramref name="v"/> in an image whose extremes are
    /// <paramref name="min"/> and <paramref name="max"/>; <paramref name="isAlpha"/> leaves an RGBA alpha band alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float v, float min, float max, float factor, bool isAlpha)
    {
        if (IsByteRange(min, max))
        {
            // Exactly the float32 steps of array_to_img, then uint8 truncation.
            float scaled = v / max;
            scaled *= 255f;
            float q = (int)scaled;
            if (isAlpha)
            {
                return q;
            }

            float blended = factor * q;
            return blended <= 0f ? 0f : blended >= 255f ? 255f : (int)blended;
        }

        if (isAlpha)
        {
            return v;
        }

        // Range-keeping form: the same multiply and clip, in the image's own units.
        float lift = min < 0 ? -min : 0f;
        float top = max + lift;
        float shifted = factor * (v + lift);
        return (shifted > top ? top : shifted) - lift;
    }
}
