using System.Collections;
using System.Text;
using Microsoft.Data.Analysis;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// A DataFrame column of arbitrary objects: what a pandas <c>object</c> column holds and Microsoft.Data.Analysis
/// has no column for. Its main use is a multi-label <c>y_col</c> for <c>flow_from_dataframe</c> with
/// <c>class_mode="categorical"</c>, whose cells are lists of class names (<c>string[]</c>; a plain <c>string</c>
/// cell is one class, as in Keras); it also holds encoded image bytes for an <c>x_col</c>.
/// </summary>
/// <remarks>
/// Build one from a CSV column with <see cref="FromLists(DataFrameColumn, string)"/>, the C# form of pandas'
/// <c>df['tags'].str.split('|')</c> and <c>df['tags'].apply(ast.literal_eval)</c>. Rows can be read, written,
/// filtered (<c>df.Filter</c>, <c>df[booleanColumn]</c>), cloned and appended to (<c>DataFrame.Append</c> converts
/// each cell with <c>Convert.ChangeType</c>, so append a string or null and set a list afterwards). Sorting and
/// grouping need an order or equality between cells that objects do not have, and throw
/// <see cref="NotSupportedException"/>.
/// </remarks>
public sealed class ObjectDataFrameColumn : DataFrameColumn
{
    private object?[] _values;

    /// <summary>A column holding <paramref name="values"/>, in order (null is a missing value).</summary>
    public ObjectDataFrameColumn(string name, IEnumerable<object?> values)
        : this(name, (values ?? throw new ArgumentNullException(nameof(values))).ToArray())
    {
    }

    /// <summary>A column of <paramref name="length"/> missing values.</summary>
    public ObjectDataFrameColumn(string name, long length)
        : this(name, new object?[checked((int)length)])
    {
    }

    private ObjectDataFrameColumn(string name, object?[] values)
        : base(name, values.Length, typeof(object))
    {
        _values = values;
    }

    /// <summary>The cell at <paramref name="rowIndex"/> (null when missing).</summary>
    public new object? this[long rowIndex]
    {
        get => _values[rowIndex];
        set => _values[rowIndex] = value;
    }

    /// <inheritdoc />
    public override long NullCount => _values.LongCount(v => v is null);

    /// <summary>
    /// A list column from a column of strings (a CSV column read by <c>DataFrame.LoadCsv</c>): each cell becomes a
    /// <c>string[]</c> through <see cref="ParseList(string?, string)"/>. Numbers read as numbers (a CSV column of
    /// single class ids) are written in the invariant culture first. The new column keeps the old one's name;
    /// replace it with <c>df.Columns[name] = ...</c>.
    /// </summary>
    /// <param name="column">The column to read; its cells are strings (or numbers, or missing).</param>
    /// <param name="separator">What separates classes in a cell that is not a Python list literal.</param>
    public static ObjectDataFrameColumn FromLists(DataFrameColumn column, string separator = "|")
    {
        ArgumentNullException.ThrowIfNull(column);
        var cells = new List<string?>((int)column.Length);
        for (long i = 0; i < column.Length; i++)
        {
            cells.Add(column[i] switch
            {
                null => null,
                string s => s,
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                var other => other.ToString(),
            });
        }

        return FromLists(column.Name, cells, separator);
    }

    /// <summary>A list column named <paramref name="name"/> from strings, each parsed by <see cref="ParseList(string?, string)"/>.</summary>
    /// <param name="name">The column's name.</param>
    /// <param name="cells">One string per row: <c>"a|b"</c>, <c>"['a', 'b']"</c>, <c>"a"</c>, or null (missing).</param>
    /// <param name="separator">What separates classes in a cell that is not a Python list literal.</param>
    public static ObjectDataFrameColumn FromLists(string name, IEnumerable<string?> cells, string separator = "|")
    {
        ArgumentNullException.ThrowIfNull(cells);
        return new ObjectDataFrameColumn(name, cells.Select(c => (object?)ParseList(c, separator)).ToArray());
    }

    /// <summary>
    /// One cell as a list of class names. A Python list or tuple literal (<c>"['a', 'b']"</c>, <c>"(\"a\",)"</c>, as
    /// pandas writes a list cell to CSV) is read as <c>ast.literal_eval</c> would read a list of strings; anything
    /// else is split on <paramref name="separator"/> like <c>str.split</c>, so <c>"a"</c> is <c>["a"]</c>. Names are
    /// kept as written (no trimming outside the quotes of a literal). Null or an empty string is a missing value
    /// (null, as pandas reads an empty CSV cell); <c>"[]"</c> is an empty list.
    /// </summary>
    /// <exception cref="FormatException">A cell that starts like a list literal but is not one of quoted strings.</exception>
    public static string[]? ParseList(string? cell, string separator = "|")
    {
        ArgumentException.ThrowIfNullOrEmpty(separator);
        if (string.IsNullOrEmpty(cell))
        {
            return null;
        }

        string trimmed = cell.Trim();
        return trimmed.Length >= 2 && ((trimmed[0] == '[' && trimmed[^1] == ']') || (trimmed[0] == '(' && trimmed[^1] == ')'))
            ? ParseLiteral(trimmed, cell)
            : cell.Split(separator);
    }

    // A Python list/tuple literal of string literals: '...' or "..." items, commas between, an optional trailing
    // comma, backslash escapes for the quote and the backslash.
    private static string[] ParseLiteral(string literal, string cell)
    {
        var items = new List<string>();
        int i = 1, end = literal.Length - 1;
        while (true)
        {
            while (i < end && char.IsWhiteSpace(literal[i]))
            {
                i++;
            }

            if (i == end)
            {
                return [.. items];
            }

            char quote = literal[i];
            if (quote is not ('\'' or '"'))
            {
                throw new FormatException($"Cannot read {cell} as a list of class names: item {items.Count} is not a quoted string.");
            }

            var item = new StringBuilder();
            for (i++; ; i++)
            {
                if (i >= end)
                {
                    throw new FormatException($"Cannot read {cell} as a list of class names: a quote is not closed.");
                }

                if (literal[i] == '\\' && i + 1 < end)
                {
                    item.Append(literal[++i]);
                }
                else if (literal[i] == quote)
                {
                    break;
                }
                else
                {
                    item.Append(literal[i]);
                }
            }

            items.Add(item.ToString());
            for (i++; i < end && char.IsWhiteSpace(literal[i]); i++)
            {
            }

            if (i < end && literal[i] != ',')
            {
                throw new FormatException($"Cannot read {cell} as a list of class names: expected ',' after item {items.Count - 1}.");
            }

            if (i < end)
            {
                i++;
            }
        }
    }

    /// <inheritdoc />
    protected override object? GetValue(long rowIndex) => _values[rowIndex];

    /// <inheritdoc />
    protected override IReadOnlyList<object?> GetValues(long startIndex, int length) => _values.AsSpan(checked((int)startIndex), length).ToArray();

    /// <inheritdoc />
    protected override void SetValue(long rowIndex, object? value) => _values[rowIndex] = value;

    /// <inheritdoc />
    protected override IEnumerator GetEnumeratorCore() => _values.GetEnumerator();

    /// <summary>Grows the column with missing values (what <c>DataFrame.Append</c> does before writing a row).</summary>
    protected override void Resize(long length)
    {
        Array.Resize(ref _values, checked((int)length));
        Length = length;
    }

    /// <inheritdoc />
    protected override DataFrameColumn CloneImplementation(long numberOfNullsToAppend = 0)
    {
        var values = new object?[_values.Length + checked((int)numberOfNullsToAppend)];
        _values.CopyTo(values, 0);
        return new ObjectDataFrameColumn(Name, values);
    }

    /// <summary>The rows named by <paramref name="mapIndices"/> (a bool mask, or int/long row numbers), as DataFrame.Filter and indexing need.</summary>
    protected override DataFrameColumn CloneImplementation(DataFrameColumn mapIndices, bool invertMapIndices = false, long numberOfNullsToAppend = 0)
    {
        if (mapIndices is null)
        {
            return CloneImplementation(numberOfNullsToAppend);
        }

        List<object?> picked;
        if (mapIndices is PrimitiveDataFrameColumn<bool> mask)
        {
            if (mask.Length != Length)
            {
                throw new ArgumentException($"The boolean filter has {mask.Length} rows; the column has {Length}.", nameof(mapIndices));
            }

            picked = [];
            for (long i = 0; i < Length; i++)
            {
                if (mask[i] == true)
                {
                    picked.Add(_values[i]);
                }
            }
        }
        else
        {
            picked = new List<object?>((int)mapIndices.Length);
            for (long i = 0; i < mapIndices.Length; i++)
            {
                picked.Add(mapIndices[i] is { } index ? _values[Convert.ToInt64(index, System.Globalization.CultureInfo.InvariantCulture)] : null);
            }
        }

        if (invertMapIndices)
        {
            picked.Reverse();
        }

        picked.AddRange(Enumerable.Repeat<object?>(null, checked((int)numberOfNullsToAppend)));
        return new ObjectDataFrameColumn(Name, picked.ToArray());
    }

    /// <inheritdoc />
    protected override DataFrameColumn FillNullsImplementation(object value, bool inPlace)
    {
        var target = inPlace ? this : (ObjectDataFrameColumn)CloneImplementation(0);
        for (int i = 0; i < target._values.Length; i++)
        {
            target._values[i] ??= value;
        }

        return target;
    }

    /// <inheritdoc />
    protected override DataFrameColumn DropNullsImplementation() => new ObjectDataFrameColumn(Name, _values.Where(v => v is not null).ToArray());

    /// <summary>Not supported: objects have no equality to group on.</summary>
    public override Dictionary<long, ICollection<long>> GetGroupedOccurrences(DataFrameColumn other, out HashSet<long> otherColumnNullIndices) =>
        throw new NotSupportedException($"{nameof(ObjectDataFrameColumn)} cannot be joined or grouped on: its cells have no equality.");

    /// <summary>Not supported: objects have no order to sort on.</summary>
    protected override PrimitiveDataFrameColumn<long> GetSortIndices(bool ascending, bool putNullValuesLast) =>
        throw new NotSupportedException($"{nameof(ObjectDataFrameColumn)} cannot be sorted: its cells have no order.");
}
