namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>Keras's <c>class_mode</c> values for file-based iterators.</summary>
internal enum ClassMode
{
    None,
    Categorical,
    Binary,
    Sparse,
    Input,
    MultiOutput,
    Raw,
}

internal static class ClassModes
{
    public static ClassMode Parse(string? value, IReadOnlyCollection<ClassMode> allowed)
    {
        var mode = value switch
        {
            null => ClassMode.None,
            "categorical" => ClassMode.Categorical,
            "binary" => ClassMode.Binary,
            "sparse" => ClassMode.Sparse,
            "input" => ClassMode.Input,
            "multi_output" => ClassMode.MultiOutput,
            "raw" => ClassMode.Raw,
            _ => (ClassMode?)null,
        };
        if (mode is not { } m || !allowed.Contains(m))
        {
            throw new ArgumentException(
                $"Invalid class_mode: {value ?? "None"}; expected one of: {{{string.Join(", ", allowed.Select(Name))}}}", "class_mode");
        }

        return m;
    }

    public static string Name(this ClassMode mode) => mode switch
    {
        ClassMode.None => "None",
        ClassMode.Categorical => "'categorical'",
        ClassMode.Binary => "'binary'",
        ClassMode.Sparse => "'sparse'",
        ClassMode.Input => "'input'",
        ClassMode.MultiOutput => "'multi_output'",
        _ => "'raw'",
    };

    /// <summary>Modes whose labels are class names mapped through <c>class_indices</c>.</summary>
    public static bool UsesClasses(this ClassMode mode) => mode is ClassMode.Categorical or ClassMode.Binary or ClassMode.Sparse;
}
