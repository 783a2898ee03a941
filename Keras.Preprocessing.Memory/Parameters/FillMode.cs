namespace Keras.Preprocessing.Memory.Parameters;

/// <summary>
/// How points outside the input are filled (Keras <c>fill_mode</c>). Each value reproduces the
/// scipy.ndimage mode of the same name that Keras passes through, quirks included.
/// </summary>
internal enum FillMode
{
    /// <summary><c>"constant"</c>: any coordinate outside [0, n-1] takes <c>cval</c> (kkkkkkkk|abcd|kkkkkkkk).</summary>
    Constant = 0,

    /// <summary><c>"nearest"</c>: the edge sample is repeated (aaaaaaaa|abcd|dddddddd).</summary>
    Nearest = 1,

    /// <summary><c>"reflect"</c>: half-sample symmetric reflection (abcddcba|abcd|dcbaabcd).</summary>
    Reflect = 2,

    /// <summary><c>"wrap"</c>: periodic with period n-1, as scipy's "wrap" (abcdabcd|abcd|abcdabcd).</summary>
    Wrap = 3,
}

/// <summary>Parses and prints the Keras spellings of <see cref="FillMode"/>.</summary>
internal static class FillModes
{
    /// <summary>The Keras names, in the order Keras documents them.</summary>
    public static readonly IReadOnlyList<string> Names = ["constant", "nearest", "reflect", "wrap"];

    /// <summary>Parses a Keras <c>fill_mode</c> string; throws naming the parameter when unknown.</summary>
    public static FillMode Parse(string value, string parameterName = "fill_mode") => value switch
    {
        "constant" => FillMode.Constant,
        "nearest" => FillMode.Nearest,
        "reflect" => FillMode.Reflect,
        "wrap" => FillMode.Wrap,
        _ => throw new ArgumentException(
            $"`{parameterName}` should be one of \"constant\", \"nearest\", \"reflect\" or \"wrap\". Received: {value}",
            parameterName),
    };

    /// <summary>The Keras name of a fill mode.</summary>
    public static string ToKerasName(this FillMode mode) => Names[(int)mode];
}
