using System.Globalization;
using Keras.Preprocessing.Memory.Augmentations;

namespace Keras.Preprocessing.Memory.Sampling;

/// <summary>
/// One image's random transformation, with Keras's meanings: <see cref="Theta"/> and <see cref="Shear"/> in
/// degrees, <see cref="Tx"/> shifting ROWS and <see cref="Ty"/> shifting COLUMNS (in pixels), <see cref="Zx"/>
/// scaling the row sampling and <see cref="Zy"/> the column sampling.
/// </summary>
internal readonly record struct TransformParameters(
    double Theta,
    double Tx,
    double Ty,
    double Shear,
    double Zx,
    double Zy,
    bool FlipHorizontal,
    bool FlipVertical,
    double? ChannelShiftIntensity,
    double? Brightness,
    ExtensionPlan Extensions = default)
{
    /// <summary>The identity transformation (what Keras does for missing keys).</summary>
    public static TransformParameters Identity { get; } = new(0, 0, 0, 0, 1, 1, false, false, null, null);

    /// <summary>The Keras dictionary keys, in Keras's order.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal", "flip_vertical", "channel_shift_intensity",
        "brightness",
    ];

    /// <summary>True when the affine part moves pixels (Keras skips the warp otherwise).</summary>
    public bool HasWarp => Theta != 0 || Tx != 0 || Ty != 0 || Shear != 0 || Zx != 1 || Zy != 1;

    /// <summary>The Keras dictionary form (as <c>get_random_transform</c> returns it).</summary>
    public Dictionary<string, object?> ToDictionary()
    {
        var parameters = new Dictionary<string, object?>
        {
            ["theta"] = Theta,
            ["tx"] = Tx,
            ["ty"] = Ty,
            ["shear"] = Shear,
            ["zx"] = Zx,
            ["zy"] = Zy,
            ["flip_horizontal"] = FlipHorizontal,
            ["flip_vertical"] = FlipVertical,
            ["channel_shift_intensity"] = ChannelShiftIntensity,
            ["brightness"] = Brightness,
        };
        AugmentationHooks.WriteKeys(Extensions, parameters);
        return parameters;
    }

    /// <summary>
    /// Reads a Keras transform dictionary; missing keys mean identity, as Keras's <c>dict.get</c> defaults do.
    /// Numbers may be any numeric type; flips may be bools or numbers (Keras yields 0/1).
    /// </summary>
    public static TransformParameters FromDictionary(IDictionary<string, object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters, "transform_parameters");
        return new TransformParameters(
            ReadNumber(parameters, "theta", 0),
            ReadNumber(parameters, "tx", 0),
            ReadNumber(parameters, "ty", 0),
            ReadNumber(parameters, "shear", 0),
            ReadNumber(parameters, "zx", 1),
            ReadNumber(parameters, "zy", 1),
            ReadFlag(parameters, "flip_horizontal"),
            ReadFlag(parameters, "flip_vertical"),
            ReadOptionalNumber(parameters, "channel_shift_intensity"),
            ReadOptionalNumber(parameters, "brightness"),
            AugmentationHooks.ReadKeys(parameters));
    }

    private static double ReadNumber(IDictionary<string, object?> parameters, string key, double fallback) =>
        ReadOptionalNumber(parameters, key) ?? fallback;

    private static double? ReadOptionalNumber(IDictionary<string, object?> parameters, string key)
    {
        if (!parameters.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }

        double number = value switch
        {
            bool b => b ? 1 : 0,
            IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
            _ => throw new ArgumentException(
                $"Transform parameter `{key}` should be a number. Received: {value} ({value.GetType().Name})",
                "transform_parameters"),
        };
        if (!double.IsFinite(number))
        {
            throw new ArgumentException($"Transform parameter `{key}` should be finite. Received: {number}", "transform_parameters");
        }

        return number;
    }

    private static bool ReadFlag(IDictionary<string, object?> parameters, string key) =>
        (ReadOptionalNumber(parameters, key) ?? 0) != 0;
}
