using NumSharp;

namespace Keras.Preprocessing.Memory.Sources;

/// <summary>
/// Rows of an array of any dtype and rank gathered by index (numpy's <c>a[index_array]</c>), as raw bytes;
/// optionally only the rows [offset, offset + count) of the original are visible (a validation subset).
/// </summary>
internal sealed unsafe class RowGather
{
    [NDBorrowed] // the caller's array (or our contiguous copy), kept alive while we read it
    private readonly NDArray _array;
    private readonly long _rowBytes;
    private readonly int _offset;

    private RowGather(NDArray array, int offset, int count)
    {
        _array = array;
        _offset = offset;
        Count = count;
        long rows = array.shape[0];
        _rowBytes = rows == 0 ? 0 : array.size / rows * array.dtypesize;
    }

    public int Count { get; }

    public NDArray Array => _array;

    /// <summary>
    /// Wraps <paramref name="array"/> (made contiguous once if it is a strided view). Labels memory-mapped from a
    /// .npy shorter than its header promises are refused first: gathering them would read past the mapping.
    /// </summary>
    public static RowGather Wrap(NDArray array, int offset, int count, string parameterName = "y")
    {
        NpyFile.CheckMapped(array, parameterName);
        return new(array.Shape.IsContiguous ? array : array.copy(), offset, count);
    }

    /// <summary>A new array holding rows <paramref name="indices"/> (relative to the visible range).</summary>
    public NDArray Gather(ReadOnlySpan<int> indices)
    {
        var shape = (long[])_array.shape.Clone();
        shape[0] = indices.Length;
        var result = NumSharpCompat.NewArray(_array.typecode, new Shape(shape));
        byte* src = (byte*)_array.Unsafe.Address;
        byte* dst = (byte*)result.Unsafe.Address;
        for (int i = 0; i < indices.Length; i++)
        {
            Buffer.MemoryCopy(src + ((_offset + indices[i]) * _rowBytes), dst + (i * _rowBytes), _rowBytes, _rowBytes);
        }

        return result;
    }

    /// <summary>
    /// Whether rows [0, split) and [split, Count) hold the same distinct values (numpy's <c>np.unique</c> over each
    /// part, flattened): Keras's check that a validation split keeps every class on both sides.
    /// </summary>
    public bool SameValuesEitherSideOf(int split)
    {
        long perRow = _rowBytes / _array.dtypesize;
        using var flat = NumSharpCompat.AsType(_array.reshape(_array.size), NPTypeCode.Double);
        var values = flat.ToArray<double>().AsSpan((int)(_offset * perRow), (int)(Count * perRow));
        var before = new HashSet<double>();
        var after = new HashSet<double>();
        for (int i = 0; i < values.Length; i++)
        {
            (i < split * perRow ? before : after).Add(values[i]);
        }

        return before.SetEquals(after);
    }
}
