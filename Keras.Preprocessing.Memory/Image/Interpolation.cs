namespace Keras.Preprocessing.Memory.Image;

/// <summary>The resampling filters Keras maps its <c>interpolation</c> names onto (PIL's Resampling).</summary>
internal enum Interpolation
{
    Nearest,
    Bilinear,
    Bicubic,
    Hamming,
    Box,
    Lanczos,
}

/// <summary>Keras interpolation names, in the order Keras lists them in its error message.</summary>
internal static class InterpolationNames
{
    private static readonly string[] Names = ["nearest", "bilinear", "bicubic", "hamming", "box", "lanczos"];

    public static string Supported => string.Join(", ", Names);

    public static Interpolation Parse(string interpolation, string paramName)
    {
        int index = Array.IndexOf(Names, interpolation);
        if (index < 0)
        {
            throw new ArgumentException(
                $"Invalid interpolation method {interpolation} specified. Supported methods are {Supported}", paramName);
        }
        return (Interpolation)index;
    }
}
