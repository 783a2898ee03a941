using Keras.Preprocessing.Memory.Augmentations;

namespace Keras.Preprocessing.Memory.Parameters;

/// <summary>
/// The random-augmentation half of an ImageDataGenerator's parameters, validated once and
/// immutable, so that samplers and executors on any thread read the same values.
/// </summary>
internal sealed record AugmentationSettings(
    double RotationRange,
    ShiftRange WidthShiftRange,
    ShiftRange HeightShiftRange,
    BrightnessRange? BrightnessRange,
    double ShearRange,
    ZoomRange ZoomRange,
    double ChannelShiftRange,
    FillMode FillMode,
    double Cval,
    bool HorizontalFlip,
    bool VerticalFlip,
    DataFormat DataFormat,
    int InterpolationOrder,
    ExtensionSettings Extensions = default)
{
    /// <summary>Index of the row axis within one image (Keras's <c>row_axis - 1</c>).</summary>
    public int ImageRowAxis => DataFormat == DataFormat.ChannelsFirst ? 1 : 0;

    /// <summary>Index of the column axis within one image.</summary>
    public int ImageColAxis => DataFormat == DataFormat.ChannelsFirst ? 2 : 1;

    /// <summary>Index of the channel axis within one image.</summary>
    public int ImageChannelAxis => DataFormat == DataFormat.ChannelsFirst ? 0 : 2;

    public void Validate()
    {
        // Keras draws uniform(-r, r) for these: a negative r gives the same distribution, so it is accepted too.
        RequireFinite(RotationRange, "rotation_range");
        RequireFinite(ShearRange, "shear_range");
        RequireFinite(ChannelShiftRange, "channel_shift_range");
        WidthShiftRange.Validate("width_shift_range");
        HeightShiftRange.Validate("height_shift_range");
        ZoomRange.Validate();
        BrightnessRange?.Validate();
        Extensions.Validate();
        if (!double.IsFinite(Cval))
        {
            throw new ArgumentException($"`cval` should be a finite float. Received: {Cval}", "cval");
        }

        if (InterpolationOrder is < 0 or > 5)
        {
            // scipy.ndimage's message for the same mistake.
            throw new ArgumentException(
                $"`interpolation_order` should be a spline order in the range 0-5 (0 nearest, 1 bilinear, 2-5 B-splines). Received: {InterpolationOrder}",
                "interpolation_order");
        }
    }

    private static void RequireFinite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"`{name}` should be a finite number. Received: {value}", name);
        }
    }
}
