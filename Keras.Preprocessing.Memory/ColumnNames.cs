namespace Keras.Preprocessing.Memory;

/// <summary>A Keras <c>y_col</c>: one column name, or a list of them (for <c>multi_output</c> and <c>raw</c>).</summary>
public readonly struct ColumnNames
{
    private readonly string[]? _names;

    private ColumnNames(string[] names, bool isList)
    {
        _names = names;
        IsList = isList;
    }

    /// <summary>True when given as a list (Keras checks <c>isinstance(y_col, list)</c>).</summary>
    internal bool IsList { get; }

    /// <summary>The names (Keras's default "class" when none were given).</summary>
    internal IReadOnlyList<string> Names => _names ?? ["class"];

    /// <summary>One column.</summary>
    public static implicit operator ColumnNames(string name) => new([name ?? throw new ArgumentNullException(nameof(name))], false);

    /// <summary>A list of columns.</summary>
    public static implicit operator ColumnNames(string[] names) => new((string[])(names ?? throw new ArgumentNullException(nameof(names))).Clone(), true);

    /// <inheritdoc />
    public override string ToString() => IsList ? "[" + string.Join(", ", Names.Select(n => $"'{n}'")) + "]" : $"'{Names[0]}'";
}
