using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;
using Microsoft.Data.Analysis;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>Keras's <c>keras.utils</c> functions that data pipelines need. <c>using static</c> it to write them as in Python.</summary>
public static class KerasUtils
{
    /// <summary>
    /// Converts a class vector (integers) to a binary class matrix (Keras <c>to_categorical</c>): labels are cast to
    /// int (truncating), a trailing axis of size 1 is dropped when the rank is above 1, and the result has the
    /// input's shape plus a last axis of <paramref name="num_classes"/>. Unlike Keras, which wraps negative labels
    /// silently, a negative or too large label throws, naming the value.
    /// </summary>
    /// <param name="y">Class labels, any numeric dtype and shape.</param>
    /// <param name="num_classes">Total number of classes; null (or 0, as in Keras) means max(y) + 1.</param>
    /// <param name="dtype">Any numeric numpy dtype name, as Keras takes: "float32" (default), "float64", "float16", "int32",
    /// "uint8", "bool" ..., and numpy's aliases ("float", "int", "f4").</param>
    public static NDArray to_categorical(NDArray y, int? num_classes = null, string dtype = "float32")
    {
        ArgumentNullException.ThrowIfNull(y);
        var shape = y.shape;
        if (shape.Length > 1 && shape[^1] == 1)
        {
            shape = shape[..^1];
        }

        using var asDouble = NumSharpCompat.AsType(y, NPTypeCode.Double);
        var labels = Array.ConvertAll(asDouble.ToArray<double>(), TruncateLabel);
        return Encode(labels, shape, num_classes, dtype);
    }

    /// <summary><see cref="to_categorical(NDArray, int?, string)"/> for an int label array.</summary>
    public static NDArray to_categorical(int[] y, int? num_classes = null, string dtype = "float32")
    {
        ArgumentNullException.ThrowIfNull(y);
        return Encode(Array.ConvertAll(y, v => (long)v), [y.Length], num_classes, dtype);
    }

    /// <summary><see cref="to_categorical(NDArray, int?, string)"/> for a long label array.</summary>
    public static NDArray to_categorical(long[] y, int? num_classes = null, string dtype = "float32")
    {
        ArgumentNullException.ThrowIfNull(y);
        return Encode((long[])y.Clone(), [y.Length], num_classes, dtype);
    }

    /// <summary>
    /// <see cref="to_categorical(NDArray, int?, string)"/> for a Microsoft.Data.Analysis column (<c>df["label"]</c>) of
    /// numbers. Missing values throw, naming the row.
    /// </summary>
    public static NDArray to_categorical(DataFrameColumn y, int? num_classes = null, string dtype = "float32")
    {
        ArgumentNullException.ThrowIfNull(y);
        var labels = new long[y.Length];
        for (long i = 0; i < y.Length; i++)
        {
            object? value = y[i];
            labels[i] = value switch
            {
                null => throw new ArgumentException($"`y` has a missing label at row {i} of column '{y.Name}'.", nameof(y)),
                string s => throw new ArgumentException(
                    $"`y` should hold integer class labels; column '{y.Name}' holds text ('{s}' at row {i}). Map the names to integers first.",
                    nameof(y)),
                IConvertible c => TruncateLabel(c.ToDouble(System.Globalization.CultureInfo.InvariantCulture)),
                _ => throw new ArgumentException($"`y` holds a non-numeric value at row {i}: {value}", nameof(y)),
            };
        }

        return Encode(labels, [y.Length], num_classes, dtype);
    }

    private static long TruncateLabel(double value) => double.IsFinite(value)
        ? (long)value
        : throw new ArgumentException($"`y` should hold integer class labels. Received: {value}", "y");

    private static NDArray Encode(long[] labels, long[] shape, int? numClasses, string dtype)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        var type = OutputDTypes.Parse(dtype, nameof(dtype));
        if (numClasses is < 0)
        {
            throw new ArgumentException($"`num_classes` should be a positive integer. Received: {numClasses}", "num_classes");
        }

        foreach (long label in labels)
        {
            if (label < 0)
            {
                throw new ArgumentException($"`y` holds the negative label {label}; class labels must be 0 or greater.", "y");
            }
        }

        if (numClasses is not > 0 && labels.Length == 0)
        {
            // Keras takes np.max of the labels, which numpy refuses on an empty array.
            throw new ArgumentException("`y` is empty, so num_classes cannot be inferred from it: pass num_classes.", "y");
        }

        long classes = numClasses is > 0 ? numClasses.Value : labels.Max() + 1;
        foreach (long label in labels)
        {
            if (label >= classes)
            {
                throw new ArgumentException(
                    $"`y` holds the label {label}, out of range for num_classes = {classes} (labels must be below num_classes).", "y");
            }
        }

        long[] outShape = [.. shape, classes];
        if (type == OutputDType.Float32)
        {
            var oneHot = new float[checked(labels.Length * classes)];
            for (long i = 0; i < labels.Length; i++)
            {
                oneHot[(i * classes) + labels[i]] = 1f;
            }

            return new NDArray(oneHot, new Shape(outShape));
        }

        // Zeros and ones convert exactly to every dtype (bool: False and True; float16: 0 and 1).
        var values = new double[checked(labels.Length * classes)];
        for (long i = 0; i < labels.Length; i++)
        {
            values[(i * classes) + labels[i]] = 1;
        }

        return DTypeConversion.Convert(values, outShape, type);
    }
}
