using Keras.Preprocessing.Memory.Image;
using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Sources;
using Microsoft.Data.Analysis;
using Microsoft.ML.Data;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Keras's <c>DataFrameIterator</c>, what <c>flow_from_dataframe</c> returns: images named (or held as encoded
/// bytes) in a Microsoft.Data.Analysis DataFrame column, labelled by another, filtered and split as Keras does.
/// </summary>
public sealed class DataFrameIterator : FileImageIterator
{
    /// <summary>File extensions Keras accepts (plus GIF and WebP, which our decoder reads).</summary>
    internal static readonly string[] WhiteListFormats = ["png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff", "gif", "webp"];

    private static readonly ClassMode[] Allowed =
        [ClassMode.Categorical, ClassMode.Binary, ClassMode.Sparse, ClassMode.Input, ClassMode.MultiOutput, ClassMode.Raw, ClassMode.None];

    internal DataFrameIterator(ImageDataGenerator generator, DataFrameRequest request)
        : base(generator, Resolve(generator, request))
    {
        directory = request.Directory ?? string.Empty;
        x_col = request.XCol;
        y_col = request.YCol;
        weight_col = request.WeightCol;
    }

    /// <summary>Keras <c>directory</c> ("" when none).</summary>
    public string directory { get; }

    /// <summary>Keras <c>x_col</c>.</summary>
    public string x_col { get; }

    /// <summary>Keras <c>y_col</c>.</summary>
    public ColumnNames y_col { get; }

    /// <summary>Keras <c>weight_col</c>.</summary>
    public string? weight_col { get; }

    private static FileIteratorSetup Resolve(ImageDataGenerator generator, DataFrameRequest r)
    {
        ArgumentNullException.ThrowIfNull(r.DataFrame, "dataframe");
        var df = r.DataFrame;
        var mode = ClassModes.Parse(r.ClassMode, Allowed);
        var decoding = new ImageDecoding(r.Options.ColorMode, r.Options.TargetSize, r.Options.Interpolation, r.Options.KeepAspectRatio, generator.Settings.DataFormat);
        if (r.Directory is { Length: > 0 } dir && !Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"`directory` does not exist: {dir}");
        }

        // Keras's _check_params.
        var xColumn = Column(df, r.XCol, "x_col");
        if (mode == ClassMode.MultiOutput && !r.YCol.IsList)
        {
            throw new ArgumentException($"If class_mode=\"multi_output\", y_col must be a list. Received {r.YCol}.", "y_col");
        }

        // Keras checks a class column's values one by one; given a list of columns, pandas hands it whole columns instead,
        // which are not strings: TypeError. Reading only the first listed column would silently drop the others.
        if (mode.UsesClasses() && r.YCol.IsList)
        {
            throw new ArgumentException(
                mode == ClassMode.Categorical
                    ? $"If class_mode=\"categorical\", y_col=\"{r.YCol}\" column values must be type string, list or tuple. A list of y columns is for class_mode \"raw\" or \"multi_output\"."
                    : $"If class_mode=\"{mode.Name().Trim('\'')}\", y_col=\"{r.YCol}\" column values must be strings. A list of y columns is for class_mode \"raw\" or \"multi_output\".",
                "y_col");
        }

        var yColumns = mode is ClassMode.Input or ClassMode.None ? [] : r.YCol.Names.Select(n => Column(df, n, "y_col")).ToArray();
        var weightColumn = r.WeightCol is null ? null : Column(df, r.WeightCol, "weight_col");
        if (weightColumn is not null && !IsNumeric(weightColumn))
        {
            throw new ArgumentException($"Column weight_col={r.WeightCol} must be numeric.", "weight_col");
        }

        if (r.Classes is { Count: > 0 } && !mode.UsesClasses())
        {
            KerasWarnings.Warn($"`classes` will be ignored given the class_mode=\"{mode.Name().Trim('\'')}\"");
        }

        int rows = (int)df.Rows.Count;
        var samples = new ImageSample?[rows];
        for (int i = 0; i < rows; i++)
        {
            samples[i] = ToSample(xColumn[i], i, r);
        }

        // Labels as Keras reads them: a class name, or a list of names (multi-label categorical).
        string[]?[] labels = new string[]?[rows];
        if (mode.UsesClasses())
        {
            var yColumn = yColumns[0];
            for (int i = 0; i < rows; i++)
            {
                labels[i] = yColumn[i] switch
                {
                    string s => [s],
                    IEnumerable<string> list when mode == ClassMode.Categorical => list.ToArray(),
                    null => throw new ArgumentException($"y_col=\"{yColumn.Name}\" has a missing label at row {i}.", "y_col"),
                    var other => throw new ArgumentException(
                        mode == ClassMode.Categorical
                            ? $"If class_mode=\"categorical\", y_col=\"{yColumn.Name}\" column values must be type string, list or tuple. Found {other.GetType().Name} at row {i}."
                            : $"If class_mode=\"{mode.Name().Trim('\'')}\", y_col=\"{yColumn.Name}\" column values must be strings. Found {other.GetType().Name} at row {i}.",
                        "y_col"),
                };
            }

            if (mode == ClassMode.Binary)
            {
                int count = r.Classes is { Count: > 0 } given ? given.Distinct().Count() : labels.SelectMany(l => l!).Distinct().Count();
                if (count != 2)
                {
                    throw new ArgumentException(
                        r.Classes is { Count: > 0 }
                            ? $"If class_mode=\"binary\" there must be 2 classes. {count} class/es were given."
                            : $"If class_mode=\"binary\" there must be 2 classes. Found {count} classes.",
                        "classes");
                }
            }
        }

        // Keras's _filter_valid_filepaths: drop what cannot be an image, with one warning.
        var keep = Enumerable.Range(0, rows).Where(i => samples[i] is not null).ToList();
        if (r.ValidateFilenames)
        {
            var problems = new List<string>();
            keep = keep.Where(i =>
            {
                string? problem = Problem(samples[i]!.Value, r);
                if (problem is not null)
                {
                    problems.Add($"{samples[i]!.Value.Name}: {problem}");
                }

                return problem is null;
            }).ToList();
            if (problems.Count > 0)
            {
                KerasWarnings.Warn(
                    $"Found {problems.Count} invalid image filename(s) in x_col=\"{r.XCol}\". These filename(s) will be ignored. " +
                    string.Join("; ", problems.Take(5)) + (problems.Count > 5 ? $"; and {problems.Count - 5} more" : string.Empty));
            }
        }
        else
        {
            foreach (int i in keep)
            {
                if (Escapes(samples[i]!.Value, r) is { } escape)
                {
                    throw new ArgumentException(escape, "dataframe");
                }
            }
        }

        // Keras's _filter_classes: keep rows with a known class; classes sorted. Only given classes filter: without
        // them, a multi-label row with an empty list stays, as an all-zero target (Keras's dropna keeps []).
        var classIndices = new Dictionary<string, int>(StringComparer.Ordinal);
        if (mode.UsesClasses())
        {
            bool filter = r.Classes is { Count: > 0 };
            var known = filter
                ? new SortedSet<string>(r.Classes!, StringComparer.Ordinal)
                : new SortedSet<string>(keep.SelectMany(i => labels[i]!), StringComparer.Ordinal);
            for (int i = 0; filter && i < rows; i++)
            {
                if (labels[i] is { } l)
                {
                    var filtered = l.Where(known.Contains).ToArray();
                    labels[i] = filtered.Length == 0 ? null : filtered;
                }
            }

            keep = keep.Where(i => labels[i] is not null).ToList();
            foreach (var name in known)
            {
                classIndices[name] = classIndices.Count;
            }
        }

        if (r.Split is { } split)
        {
            int start = (int)(split.Start * keep.Count), stop = (int)(split.Stop * keep.Count);
            keep = keep.GetRange(start, stop - start);
        }

        var kept = keep.ToArray();
        int[][]? classLists = mode.UsesClasses() ? kept.Select(i => labels[i]!.Select(l => classIndices[l]).ToArray()).ToArray() : null;
        NDArray[] targets = mode switch
        {
            ClassMode.MultiOutput => [.. yColumns.Select(c => Values(c, kept, "y_col"))],
            ClassMode.Raw => [yColumns.Length == 1 ? Values(yColumns[0], kept, "y_col") : Matrix(yColumns, kept)],
            _ => [],
        };
        var weights = weightColumn is null ? null : Values(weightColumn, kept, "weight_col", forceDouble: true);

        string validated = r.ValidateFilenames ? "validated" : "non-validated";
        KerasLogging.Print(mode.UsesClasses()
            ? $"Found {kept.Length} {validated} image filenames belonging to {classIndices.Count} classes."
            : $"Found {kept.Length} {validated} image filenames.");

        return new FileIteratorSetup(
            r.Options, decoding, [.. kept.Select(i => samples[i]!.Value)], mode, classIndices, classLists, targets, weights, SkipUndecodable: r.ValidateFilenames);
    }

    private static DataFrameColumn Column(DataFrame df, string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (df.Columns.IndexOf(name) < 0)
        {
            throw new ArgumentException(
                $"{parameter}=\"{name}\" is not a column of the DataFrame. Columns: {string.Join(", ", df.Columns.Select(c => c.Name))}", parameter);
        }

        return df.Columns[name];
    }

    private static ImageSample? ToSample(object? value, int row, DataFrameRequest r) => value switch
    {
        string name => ImageSample.FromFile(name, Path.Combine(r.Directory ?? string.Empty, name)),
        byte[] bytes => ImageSample.FromBytes($"<row {row}>", bytes),
        ReadOnlyMemory<byte> memory => ImageSample.FromBytes($"<row {row}>", memory),
        VBuffer<byte> buffer => ImageSample.FromBytes($"<row {row}>", buffer.DenseValues().ToArray()),
        null => throw new ArgumentException($"x_col=\"{r.XCol}\" has a missing value at row {row}.", "x_col"),
        _ => throw new ArgumentException(
            $"All values in column x_col={r.XCol} must be strings (file names) or encoded image bytes. Found {value.GetType().Name} at row {row}.", "x_col"),
    };

    private static string? Problem(ImageSample sample, DataFrameRequest r)
    {
        if (sample.Path is null)
        {
            return ImageProbe.Problem(sample.Bytes.Span, sample.Name);
        }

        if (Escapes(sample, r) is { } escape)
        {
            return escape;
        }

        string extension = Path.GetExtension(sample.Path).TrimStart('.').ToLowerInvariant();
        if (!WhiteListFormats.Contains(extension))
        {
            return $"extension not in {{{string.Join(", ", WhiteListFormats)}}}";
        }

        // Keras's os.path.isfile: a FIFO or device named like an image is missing (opening a FIFO blocks forever).
        return RegularFile.Exists(sample.Path) ? ImageProbe.FileProblem(sample.Path)
            : File.Exists(sample.Path) ? "not a regular file" : "no such file";
    }

    /// <summary>A file name that leaves <c>directory</c> (through "..", or an absolute path) unless allowed.</summary>
    private static string? Escapes(ImageSample sample, DataFrameRequest r)
    {
        if (sample.Path is null || r.AllowOutsideDirectory || string.IsNullOrEmpty(r.Directory))
        {
            return null;
        }

        string root = Path.GetFullPath(r.Directory);
        string full = Path.GetFullPath(sample.Path);
        string prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal)
            ? null
            : $"'{sample.Name}' resolves to {full}, outside directory {root} (pass allow_outside_directory: true to allow it)";
    }

    private static bool IsNumeric(DataFrameColumn c) =>
        c.DataType == typeof(double) || c.DataType == typeof(float) || c.DataType == typeof(int) || c.DataType == typeof(long) ||
        c.DataType == typeof(short) || c.DataType == typeof(byte) || c.DataType == typeof(bool) || c.DataType == typeof(decimal) ||
        c.DataType == typeof(uint) || c.DataType == typeof(ulong) || c.DataType == typeof(ushort) || c.DataType == typeof(sbyte);

    /// <summary>One numeric column's values at <paramref name="rows"/>, keeping float32/int32/int64 types like numpy's .values.</summary>
    private static NDArray Values(DataFrameColumn c, int[] rows, string parameter, bool forceDouble = false)
    {
        if (!IsNumeric(c))
        {
            throw new ArgumentException($"Column {parameter}=\"{c.Name}\" must be numeric for this class_mode. Found {c.DataType.Name}.", parameter);
        }

        double[] values = rows.Select(i => c[i] is { } v ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentException($"Column {parameter}=\"{c.Name}\" has a missing value at row {i}.", parameter)).ToArray();
        var array = new NDArray(values, new Shape(rows.Length));
        var type = forceDouble ? NPTypeCode.Double : c.DataType == typeof(float) ? NPTypeCode.Single
            : c.DataType == typeof(int) ? NPTypeCode.Int32 : c.DataType == typeof(long) ? NPTypeCode.Int64 : NPTypeCode.Double;
        if (type == NPTypeCode.Double)
        {
            return array;
        }

        using (array)
        {
            return NumSharpCompat.AsType(array, type);
        }
    }

    /// <summary>
    /// Several numeric columns as an (n, k) matrix (<c>raw</c> with a list of y columns), in the dtype numpy gives
    /// Keras's <c>df[y_col].values</c>: one type stays that type (an int64 matrix stays int64), int32 with int64 is
    /// int64, float32 with any int or with float64 is float64.
    /// </summary>
    private static NDArray Matrix(DataFrameColumn[] columns, int[] rows)
    {
        var types = columns.Select(c => c.DataType == typeof(float) ? NPTypeCode.Single : c.DataType == typeof(int) ? NPTypeCode.Int32
            : c.DataType == typeof(long) ? NPTypeCode.Int64 : NPTypeCode.Double).Distinct().ToArray();
        var type = types.Length == 1 ? types[0] : types.All(t => t is NPTypeCode.Int32 or NPTypeCode.Int64) ? NPTypeCode.Int64 : NPTypeCode.Double;
        if (type != NPTypeCode.Double)
        {
            using var matrix = DoubleMatrix(columns, rows);
            return NumSharpCompat.AsType(matrix, type);
        }

        return DoubleMatrix(columns, rows);
    }

    private static NDArray DoubleMatrix(DataFrameColumn[] columns, int[] rows)
    {
        var values = new double[rows.Length * columns.Length];
        for (int k = 0; k < columns.Length; k++)
        {
            using var column = Values(columns[k], rows, "y_col", forceDouble: true);
            var data = column.ToArray<double>();
            for (int i = 0; i < rows.Length; i++)
            {
                values[(i * columns.Length) + k] = data[i];
            }
        }

        return new NDArray(values, new Shape(rows.Length, columns.Length));
    }
}

/// <summary>flow_from_dataframe's arguments, gathered.</summary>
internal sealed record DataFrameRequest(
    DataFrame DataFrame,
    string? Directory,
    string XCol,
    ColumnNames YCol,
    string? WeightCol,
    IReadOnlyList<string>? Classes,
    string? ClassMode,
    (double Start, double Stop)? Split,
    bool ValidateFilenames,
    bool AllowOutsideDirectory,
    FileIteratorOptions Options);
