using System.Text.Json;
using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Tests.Image;
using Microsoft.Data.Analysis;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Files;

/// <summary>One batch Keras yielded: paths (relative to Fixtures/) of its arrays; y is "x" for class_mode="input".</summary>
internal sealed record RecordedBatch(int Index, string X, JsonElement Y, string? Weights);

/// <summary>One flow_from_dataframe / flow_from_directory call recorded by generate_iterators.py.</summary>
internal sealed record IteratorCase(
    string Name,
    string Api,
    JsonElement Generator,
    JsonElement Args,
    int[]? Rows,
    string? Setup,
    string Found,
    string[] Warnings,
    int Samples,
    int Len,
    string[] Filenames,
    JsonElement Classes,
    Dictionary<string, int>? ClassIndices,
    int[] ImageShape,
    RecordedBatch[] Batches)
{
    public string? ClassMode => Args.GetProperty("class_mode").GetString();

    public string RecordedFormat => Generator.TryGetProperty("data_format", out var f) ? f.GetString()! : "channels_last";

    public override string ToString() => Name;
}

/// <summary>Reads Fixtures/iterators and runs our iterators with the arguments a case recorded.</summary>
internal static class IteratorFixtures
{
    private static readonly Lazy<IteratorCase[]> LazyCases = new(LoadCases);

    public static string Root => Path.Combine(Fixture.Root, "iterators");

    public static string Images => Path.Combine(Root, "images");

    public static string Csv => Path.Combine(Root, "labels.csv");

    public static IteratorCase[] Cases => LazyCases.Value;

    public static IteratorCase Case(string name) => Cases.Single(c => c.Name == name);

    /// <summary>labels.csv with pandas' column types (strings, float64, int64); tags with '|' become lists when asked.</summary>
    public static DataFrame LoadLabels(int[]? rows = null, bool tagsAsLists = false)
    {
        var df = DataFrame.LoadCsv(
            Csv,
            dataTypes: [typeof(string), typeof(string), typeof(string), typeof(string), typeof(double), typeof(double), typeof(long)]);
        if (rows is not null)
        {
            df = df.Filter(new PrimitiveDataFrameColumn<int>("rows", rows));
        }

        if (tagsAsLists)
        {
            // A pandas object column: a class name, or a list of them for a multi-label row.
            var tags = df["tags"].Cast<string>().Select(s => s.Contains('|', StringComparison.Ordinal) ? (object)s.Split('|') : s);
            int index = df.Columns.IndexOf("tags");
            df.Columns.RemoveAt(index);
            df.Columns.Insert(index, new ObjectDataFrameColumn("tags", tags));
        }

        return df;
    }

    /// <summary>What building an iterator printed and warned.</summary>
    public sealed record Built(FileImageIterator Iterator, string Found, IReadOnlyList<string> Warnings) : IDisposable
    {
        public void Dispose() => Iterator.Dispose();
    }

    /// <summary>
    /// Builds our iterator for <paramref name="c"/>: same arguments, shuffle off, in <paramref name="dataFormat"/>
    /// (the recorded one when null), capturing the "Found ..." line and the warnings.
    /// </summary>
    public static Built Build(IteratorCase c, bool cache, string? dataFormat = null, TempDirectory? scratch = null)
    {
        var a = c.Args;
        double split = c.Generator.TryGetProperty("validation_split", out var v) ? v.GetDouble() : 0;
        var generator = new ImageDataGenerator(validation_split: split, data_format: dataFormat ?? c.RecordedFormat);
        var size = a.GetProperty("target_size").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        string[]? classes = a.GetProperty("classes").ValueKind == JsonValueKind.Null
            ? null
            : a.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string? subset = a.GetProperty("subset").GetString();

        return Capture(() =>
        {
            if (c.Api == "directory")
            {
                return generator.flow_from_directory(
                    DirectoryFor(c, scratch),
                    target_size: (size[0], size[1]),
                    color_mode: a.GetProperty("color_mode").GetString()!,
                    classes: classes,
                    class_mode: c.ClassMode,
                    batch_size: a.GetProperty("batch_size").GetInt32(),
                    shuffle: false,
                    follow_links: a.GetProperty("follow_links").GetBoolean(),
                    subset: subset,
                    interpolation: a.GetProperty("interpolation").GetString()!,
                    cache: cache);
            }

            var yCol = a.GetProperty("y_col");
            ColumnNames y = yCol.ValueKind == JsonValueKind.Array
                ? yCol.EnumerateArray().Select(e => e.GetString()!).ToArray()
                : yCol.GetString()!;
            var df = LoadLabels(c.Rows, tagsAsLists: !y.IsList && y.Names[0] == "tags");
            return generator.flow_from_dataframe(
                df,
                directory: Images,
                x_col: a.GetProperty("x_col").GetString()!,
                y_col: y,
                weight_col: a.GetProperty("weight_col").GetString(),
                target_size: (size[0], size[1]),
                color_mode: a.GetProperty("color_mode").GetString()!,
                classes: classes,
                class_mode: c.ClassMode,
                batch_size: a.GetProperty("batch_size").GetInt32(),
                shuffle: false,
                subset: subset,
                interpolation: a.GetProperty("interpolation").GetString()!,
                validate_filenames: a.GetProperty("validate_filenames").GetBoolean(),
                cache: cache);
        });
    }

    /// <summary>Runs <paramref name="make"/>, returning what it printed to stdout and every KerasWarnings message.</summary>
    public static Built Capture(Func<FileImageIterator> make)
    {
        var warnings = new List<string>();
        var stdout = Console.Out;
        using var captured = new StringWriter();
        KerasWarnings.Warned += warnings.Add;
        Console.SetOut(captured);
        try
        {
            var it = make();
            return new Built(it, captured.ToString().Trim(), warnings);
        }
        finally
        {
            Console.SetOut(stdout);
            KerasWarnings.Warned -= warnings.Add;
        }
    }

    /// <summary>
    /// The recorded images (uint8, in the recorded layout) as float32 in <paramref name="layout"/>: the same
    /// pixels, transposed between (n, h, w, c) and (n, c, h, w) when the layouts differ.
    /// </summary>
    public static float[] ExpectedImages(NDArray recorded, string recordedLayout, string layout, out long[] shape)
    {
        var bytes = recorded.ToArray<byte>();
        var s = recorded.shape.Select(d => (long)d).ToArray();
        if (recordedLayout == layout)
        {
            shape = s;
            return bytes.Select(b => (float)b).ToArray();
        }

        bool toFirst = layout == "channels_first";
        // (n, a, b, c) -> (n, c, a, b) when going to channels_first, (n, b, c, a) the other way.
        long n = s[0], d1 = s[1], d2 = s[2], d3 = s[3];
        shape = toFirst ? [n, d3, d1, d2] : [n, d2, d3, d1];
        var result = new float[bytes.Length];
        long o = 0;
        for (long i = 0; i < n; i++)
        {
            for (long p = 0; p < shape[1]; p++)
            {
                for (long q = 0; q < shape[2]; q++)
                {
                    for (long r = 0; r < shape[3]; r++)
                    {
                        long source = toFirst
                            ? (((((i * d1) + q) * d2) + r) * d3) + p
                            : (((((i * d1) + r) * d2) + p) * d3) + q;
                        result[o++] = bytes[source];
                    }
                }
            }
        }

        return result;
    }

    private static string DirectoryFor(IteratorCase c, TempDirectory? scratch)
    {
        if (c.Setup != "symlink")
        {
            return Images;
        }

        // As the generator did: a scratch copy of images/ with cats/linked -> ../birds (git holds no links).
        ArgumentNullException.ThrowIfNull(scratch);
        string root = Path.Combine(scratch.Path, "images");
        CopyTree(Images, root);
        Directory.CreateSymbolicLink(Path.Combine(root, "cats", "linked"), Path.Combine("..", "birds"));
        return root;
    }

    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    private static IteratorCase[] LoadCases()
    {
        using var stream = File.OpenRead(Path.Combine(Root, "manifest.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray().Select(e =>
        {
            e = e.Clone();
            return new IteratorCase(
                e.GetProperty("name").GetString()!,
                e.GetProperty("api").GetString()!,
                e.GetProperty("generator"),
                e.GetProperty("args"),
                e.GetProperty("rows").ValueKind == JsonValueKind.Null ? null : e.GetProperty("rows").EnumerateArray().Select(r => r.GetInt32()).ToArray(),
                e.GetProperty("setup").GetString(),
                e.GetProperty("found").GetString()!,
                e.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray(),
                e.GetProperty("samples").GetInt32(),
                e.GetProperty("len").GetInt32(),
                e.GetProperty("filenames").EnumerateArray().Select(f => f.GetString()!).ToArray(),
                e.GetProperty("classes"),
                e.GetProperty("class_indices").ValueKind == JsonValueKind.Null
                    ? null
                    : e.GetProperty("class_indices").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()),
                e.GetProperty("image_shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                e.GetProperty("batches").EnumerateArray().Select(b => new RecordedBatch(
                    b.GetProperty("index").GetInt32(),
                    b.GetProperty("x").GetString()!,
                    b.GetProperty("y"),
                    b.GetProperty("weights").GetString())).ToArray());
        }).ToArray();
    }
}
