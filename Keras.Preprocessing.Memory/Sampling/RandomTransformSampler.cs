using Keras.Preprocessing.Memory.Augmentations;
using Keras.Preprocessing.Memory.Parameters;

namespace Keras.Preprocessing.Memory.Sampling;

/// <summary>
/// Draws <see cref="TransformParameters"/> exactly as Keras's <c>get_random_transform</c> does: the same draws,
/// in the same order, from one stream (theta, height shift, width shift, shear, two zooms, both flips,
/// channel shift, brightness), each only when its option is on, except the flips, which Keras always draws;
/// then the augmentations beyond Keras (<see cref="AugmentationHooks.Draw"/>). Generic over the stream: the keyed
/// per-sample one, or numpy's global generator, where these are exactly Keras's numpy calls (zoom's
/// <c>uniform(lo, hi, 2)</c> is two consecutive draws, the same as two scalar calls).
/// </summary>
internal static class RandomTransformSampler
{
    public static TransformParameters Sample<TRandom>(AugmentationSettings s, int rows, int cols, ref TRandom rng)
        where TRandom : struct, IKerasRandom
    {
        double theta = s.RotationRange != 0 ? rng.Uniform(-s.RotationRange, s.RotationRange) : 0;
        double tx = DrawShift(s.HeightShiftRange, rows, ref rng);
        double ty = DrawShift(s.WidthShiftRange, cols, ref rng);
        double shear = s.ShearRange != 0 ? rng.Uniform(-s.ShearRange, s.ShearRange) : 0;

        double zx = 1, zy = 1;
        if (!s.ZoomRange.IsOff)
        {
            zx = rng.Uniform(s.ZoomRange.Lower, s.ZoomRange.Upper);
            zy = rng.Uniform(s.ZoomRange.Lower, s.ZoomRange.Upper);
        }

        bool flipHorizontal = rng.NextDouble() < 0.5 && s.HorizontalFlip;
        bool flipVertical = rng.NextDouble() < 0.5 && s.VerticalFlip;

        double? channelShift = s.ChannelShiftRange != 0
            ? rng.Uniform(-s.ChannelShiftRange, s.ChannelShiftRange)
            : null;
        double? brightness = s.BrightnessRange is { } b ? rng.Uniform(b.Lower, b.Upper) : null;

        // The augmentations beyond Keras draw last, from the same stream, so Keras's draws above never change.
        var extensions = AugmentationHooks.Draw(s.Extensions, rows, cols, ref rng);

        return new TransformParameters(theta, tx, ty, shear, zx, zy, flipHorizontal, flipVertical, channelShift, brightness, extensions);
    }

    private static double DrawShift<TRandom>(ShiftRange range, int size, ref TRandom rng)
        where TRandom : struct, IKerasRandom
    {
        if (range.IsOff)
        {
            return 0;
        }

        double shift;
        if (range.IsUniform)
        {
            shift = rng.Uniform(-range.Scalar, range.Scalar);
        }
        else
        {
            // numpy's choice(n) draws from 0..n-1; choice(list) draws one element. Then a random sign.
            shift = range.IsIntegerCount
                ? rng.NextInt64((long)range.Scalar)
                : range.Choices[(int)rng.NextInt64(range.Choices.Length)];
            shift *= rng.NextSign();
        }

        return range.IsFraction ? shift * size : shift;
    }
}
