using Keras.Preprocessing.Memory.Parameters;
using NumSharp;

namespace Keras.Preprocessing.Memory.Sources;

/// <summary>
/// A rank-4 image array read in place: the caller's NDArray is kept as it is (no whole-dataset copy, no dtype
/// conversion), and images are converted to float32 only as each batch is built. The rare dtypes (bool, int8,
/// uint32, int64, uint64, float16) are the exception: they are converted to float32 once, as Keras's
/// <c>np.asarray(x, dtype)</c> converts every input.
/// </summary>
internal sealed unsafe class ImageArray
{
    [NDBorrowed] // the caller's array (or our contiguous copy of it), kept alive while we read it
    private readonly NDArray _array;

    private ImageArray(NDArray array, ElementKind kind, int count, ImageGeometry geometry)
    {
        _array = array;
        Kind = kind;
        Count = count;
        Geometry = geometry;
    }

    public ElementKind Kind { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    public ImageGeometry Geometry { get; }

    public NDArray Array => _array;

    /// <summary>Address of the first element.</summary>
    public byte* Address => (byte*)_array.Unsafe.Address;

    /// <summary>Address of image <paramref name="index"/>.</summary>
    public byte* ImageAddress(int index) => Address + ((long)index * Geometry.Size * Kind.Size());

    /// <summary>
    /// Wraps <paramref name="x"/>, which must be rank 4 in <paramref name="layout"/>. A non-contiguous view
    /// (a transpose or a strided slice) is made contiguous once, since the kernels address raw memory.
    /// </summary>
    public static ImageArray Wrap(NDArray x, DataFormat layout, string parameterName = "x")
    {
        ArgumentNullException.ThrowIfNull(x, parameterName);
        if (x.ndim != 4)
        {
            throw new ArgumentException(
                "Input data in `NumpyArrayIterator` should have rank 4. You passed an array with shape " +
                Shapes.Format(x.shape),
                parameterName);
        }

        var shape = x.shape;
        var geometry = ImageGeometry.FromImageShape(Shapes.ToInt32(shape, parameterName).AsSpan(1), layout, parameterName);

        // Before anything reads the data (the contiguous copy below included): a mapping shorter than the array
        // would be read past its end.
        NpyFile.CheckMapped(x, parameterName);
        if (ElementKinds.IsConvertedOnce(x.typecode))
        {
            // Keras's own np.asarray(x, dtype="float32"), once, here: the kernels keep one reader per common dtype.
            x = NumSharpCompat.AsType(x, NPTypeCode.Single, contiguous: true);
        }
        else if (!x.Shape.IsContiguous)
        {
            x = x.copy();
        }

        var kind = ElementKinds.FromTypeCode(x.typecode, parameterName);

        if (geometry.Rows < 1 || geometry.Cols < 1 || geometry.Channels < 1)
        {
            throw new ArgumentException(
                $"Images in `{parameterName}` should have at least one row, column and channel. Received shape {Shapes.Format(shape)}",
                parameterName);
        }

        return new ImageArray(x, kind, checked((int)shape[0]), geometry);
    }
}

/// <summary>Formats shapes the way numpy prints them.</summary>
internal static class Shapes
{
    public static string Format(ReadOnlySpan<long> shape) => shape.Length == 1
        ? $"({shape[0]},)"
        : "(" + string.Join(", ", shape.ToArray()) + ")";

    public static string Format(long[] shape) => Format(shape.AsSpan());

    public static string Format(int[] shape) => Format(Array.ConvertAll(shape, v => (long)v));

    /// <summary>A shape as numpy's broadcasting errors print it, without spaces: (3,4,3), (3,).</summary>
    public static string FormatUnspaced(long[] shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(",", shape)})";

    /// <summary>A shape as int dimensions; images and batches beyond int range are refused with a clear message.</summary>
    public static int[] ToInt32(long[] shape, string parameterName) => Array.ConvertAll(shape, d => d is >= 0 and <= int.MaxValue
        ? (int)d
        : throw new ArgumentException($"`{parameterName}` has a dimension out of range: {Format(shape)}", parameterName));
}
