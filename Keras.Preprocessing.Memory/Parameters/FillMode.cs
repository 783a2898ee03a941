namespace Keras.Preprocessing.Memory.Parameters;

/// <summary>
/// How points outside the input are filled (Keras <c>fill_mode</c>). Keras 1.1.0 hands the string straight to
/// <c>scipy.ndimage.affine_transform</c>, so every mode scipy 1.10 accepts is accepted here, each reproducing the
/// scipy mode of the same name, quirks included.
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

    /// <summary><c>"mirror"</c>: whole-sample symmetric reflection, period 2n-2 (dcbabcd|abcd|cbabcd).</summary>
    Mirror = 4,

    /// <summary><c>"grid-wrap"</c>: periodic with period n (abcdabcd|abcd|abcdabcd).</summary>
    GridWrap = 5,

    /// <summary><c>"grid-constant"</c>: taps outside the image read <c>cval</c> and are blended with the inside ones.</summary>
    GridConstant = 6,

    /// <summary><c>"grid-mirror"</c>: scipy's synonym of <c>"reflect"</c>.</summary>
    GridMirror = 7,
}

/// <summary>Parses and prints the Keras (scipy) spellings of <see cref="FillMode"/>.</summary>
internal static class FillModes
{
    /// <summary>The names, indexed by <see cref="FillMode"/>: Keras's four first, then scipy's other modes.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["constant", "nearest", "reflect", "wrap", "mirror", "grid-wrap", "grid-constant", "grid-mirror"];

    /// <summary>Parses a <c>fill_mode</c> string; throws naming the parameter and the valid modes when unknown.</summary>
    public static FillMode Parse(string value, string parameterName = "fill_mode")
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (Names[i] == value)
            {
                return (FillMode)i;
            }
        }

        throw new ArgumentException(
            $"`{parameterName}` should be one of {string.Join(", ", Names.Select(n => $"\"{n}\""))}. Received: {value}",
            parameterName);
    }

    /// <summary>The Keras name of a fill mode.</summary>
    public static string ToKerasName(this FillMode mode) => Names[(int)mode];
}
