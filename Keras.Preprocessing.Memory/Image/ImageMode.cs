namespace Keras.Preprocessing.Memory.Image;

/// <summary>The three PIL modes Keras works with; the value is the channel count.</summary>
internal enum ImageMode
{
    L = 1,
    RGB = 3,
    RGBA = 4,
}

/// <summary>Parsing and naming of <see cref="ImageMode"/> in PIL and Keras terms.</summary>
internal static class ImageModes
{
    public static int Channels(this ImageMode mode) => (int)mode;

    public static string Name(this ImageMode mode) => mode switch
    {
        ImageMode.L => "L",
        ImageMode.RGB => "RGB",
        ImageMode.RGBA => "RGBA",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Parses a PIL mode name ("L", "RGB", "RGBA"); PIL names are case-sensitive.</summary>
    public static ImageMode ParsePilMode(string mode, string paramName) => mode switch
    {
        "L" => ImageMode.L,
        "RGB" => ImageMode.RGB,
        "RGBA" => ImageMode.RGBA,
        _ => throw new ArgumentException($"Unsupported image mode '{mode}'; supported modes are L, RGB, RGBA.", paramName),
    };

    /// <summary>Parses a Keras <c>color_mode</c> ("grayscale", "rgb", "rgba").</summary>
    public static ImageMode ParseColorMode(string color_mode, string paramName) => color_mode switch
    {
        "grayscale" => ImageMode.L,
        "rgb" => ImageMode.RGB,
        "rgba" => ImageMode.RGBA,
        _ => throw new ArgumentException("color_mode must be \"grayscale\", \"rgb\", or \"rgba\"", paramName),
    };

    public static ImageMode FromChannels(int channels) => channels switch
    {
        1 => ImageMode.L,
        3 => ImageMode.RGB,
        4 => ImageMode.RGBA,
        _ => throw new ArgumentException($"Unsupported channel number: {channels}"),
    };
}
