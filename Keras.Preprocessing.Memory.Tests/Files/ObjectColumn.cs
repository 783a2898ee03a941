using System.Collections;
using Microsoft.Data.Analysis;

namespace Keras.Preprocessing.Memory.Tests.Files;

/// <summary>
/// A DataFrame column of arbitrary objects — what a pandas <c>object</c> column holds and Microsoft.Data.Analysis
/// has no built-in column for: here, class names mixed with lists of class names (a multi-label y_col) or
/// encoded image bytes (an x_col). Read-only beyond what the iterators need: row access and enumeration.
/// </summary>
internal sealed class ObjectColumn : DataFrameColumn
{
    private readonly object?[] _values;

    public ObjectColumn(string name, IEnumerable<object?> values)
        : this(name, values.ToArray())
    {
    }

    private ObjectColumn(string name, object?[] values)
        : base(name, values.Length, typeof(object))
    {
        _values = values;
    }

    public override long NullCount => _values.Count(v => v is null);

    protected override object? GetValue(long rowIndex) => _values[rowIndex];

    protected override IReadOnlyList<object?> GetValues(long startIndex, int length) => _values.Skip((int)startIndex).Take(length).ToArray();

    protected override void SetValue(long rowIndex, object? value) => _values[rowIndex] = value;

    protected override IEnumerator GetEnumeratorCore() => _values.GetEnumerator();

    protected override DataFrameColumn CloneImplementation(long numberOfNullsToAppend = 0) =>
        new ObjectColumn(Name, _values.Concat(Enumerable.Repeat<object?>(null, (int)numberOfNullsToAppend)).ToArray());

    protected override DataFrameColumn CloneImplementation(DataFrameColumn mapIndices, bool invertMapIndices = false, long numberOfNullsToAppend = 0) =>
        throw new NotSupportedException("ObjectColumn is built after filtering; it does not re-index.");

    public override Dictionary<long, ICollection<long>> GetGroupedOccurrences(DataFrameColumn other, out HashSet<long> otherColumnNullIndices) =>
        throw new NotSupportedException();

    protected override DataFrameColumn FillNullsImplementation(object value, bool inPlace) => throw new NotSupportedException();

    protected override DataFrameColumn DropNullsImplementation() => throw new NotSupportedException();

    protected override PrimitiveDataFrameColumn<long> GetSortIndices(bool ascending, bool putNullValuesLast) => throw new NotSupportedException();
}
