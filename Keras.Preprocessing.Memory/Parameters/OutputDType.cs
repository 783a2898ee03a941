namespace Keras.Preprocessing.Memory.Parameters;

/// <summary>The element type of generated batches (Keras <c>dtype</c>).</summary>
internal enum OutputDType
{
    /// <summary><c>"float32"</c>, Keras's default.</summary>
    Float32 = 0,

    /// <summary><c>"float64"</c>: computed in float32, widened on output.</summary>
    Float64 = 1,
}

/// <summary>Parses Keras dtype strings for generated batches.</summary>
internal static class OutputDTypes
{
    /// <summary>Parses <c>"float32"</c> or <c>"float64"</c>; anything else throws naming the parameter.</summary>
    public static OutputDType Parse(string? value, string parameterName = "dtype") => value switch
    {
        null or "float32" => OutputDType.Float32,
        "float64" => OutputDType.Float64,
        _ => throw new ArgumentException(
            $"`{parameterName}` should be \"float32\" or \"float64\". Received: {value}", parameterName),
    };

    /// <summary>The Keras name of a dtype.</summary>
    public static string ToKerasName(this OutputDType dtype) => dtype == OutputDType.Float64 ? "float64" : "float32";
}
