using System.CommandLine;
using System.Text.Json;
using Keras.Preprocessing.Memory;
using Keras.Preprocessing.Memory.Iterators;
using Microsoft.Data.Analysis;

namespace KerasMem.Commands;

/// <summary>
/// <c>kerasmem cache --csv labels.csv --directory DIR --out data.npy</c>: decodes the images a labels CSV names once,
/// into a uint8 .npy of shape (n, height, width, channels) plus int32 class indices, ready for
/// <c>np.load(path, mmap_mode: "r")</c> and <c>flow</c>. Classes are the sorted distinct --y-col values, as
/// Keras's flow_from_dataframe orders them. Decoding, validation (rows whose file is missing or not an image are
/// skipped with a warning, as Keras does) and labelling are the library's flow_from_dataframe itself.
/// </summary>
internal static class CacheCommand
{
    /// <summary>Images decoded (in parallel) per step of the stream to the .npy.</summary>
    private const int BatchSize = 64;

    public static Command Create()
    {
        var csv = CommonOptions.ExistingFile("--csv", "CSV with a header row: one image per row, its file name and class.", required: true);
        var directory = CommonOptions.ExistingDirectory("--directory", "Folder the file names are relative to (Keras's directory).");
        var output = new Option<string>("--out") { Description = "The .npy file of images to write.", Required = true, HelpName = "FILE" };
        var labelsOut = new Option<string?>("--labels-out") { Description = "The .npy file of int32 class indices (default: <out>_labels.npy).", HelpName = "FILE" };
        var xCol = new Option<string>("--x-col") { Description = "Column holding the file names (Keras x_col).", DefaultValueFactory = _ => "filename" };
        var yCol = new Option<string>("--y-col") { Description = "Column holding the class names (Keras y_col).", DefaultValueFactory = _ => "class" };
        var size = CommonOptions.TargetSize("--target-size", "Resize every image to HxW (Keras target_size).", "256x256");
        var colorMode = CommonOptions.ColorMode();
        var interpolation = CommonOptions.Interpolation();

        var command = new Command("cache", "Decode the images a labels CSV names once into a uint8 .npy (plus labels), for memory-mapped flow.")
        {
            csv, directory, output, labelsOut, xCol, yCol, size, colorMode, interpolation,
        };
        command.SetAction(parse => KerasMemCli.Guard(parse, "cache", (stdout, stderr) => Run(
            parse.GetRequiredValue(csv),
            parse.GetRequiredValue(directory),
            parse.GetRequiredValue(output),
            parse.GetValue(labelsOut),
            parse.GetRequiredValue(xCol),
            parse.GetRequiredValue(yCol),
            parse.GetValue(size) ?? new ImageSize(256, 256),
            parse.GetRequiredValue(colorMode),
            parse.GetRequiredValue(interpolation),
            stdout,
            stderr)));
        return command;
    }

    public static void Run(
        string csvPath, string directory, string outPath, string? labelsPath, string xCol, string yCol, ImageSize size, string colorMode, string interpolation, TextWriter stdout, TextWriter stderr)
    {
        if (!outPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--out should name a .npy file; got '{outPath}'.");
        }

        labelsPath ??= outPath[..^4] + "_labels.npy";
        string classesPath = Path.ChangeExtension(labelsPath, null) is var stem && stem.EndsWith("_labels", StringComparison.Ordinal)
            ? stem[..^7] + "_classes.json"
            : stem + "_classes.json";

        // One file for two outputs would hold only the last one written (the labels over the images), exit 0.
        if (SamePath(labelsPath, outPath))
        {
            throw new UsageException($"--labels-out and --out name the same file ('{outPath}'): the labels would overwrite the images. Give --labels-out another name.");
        }

        if (SamePath(classesPath, outPath) || SamePath(classesPath, labelsPath))
        {
            throw new UsageException($"--labels-out: the class list '{classesPath}' would overwrite --out or --labels-out. Give --labels-out another name.");
        }

        if (SamePath(outPath, csvPath) || SamePath(labelsPath, csvPath))
        {
            throw new UsageException($"--out and --labels-out must not name the --csv file ('{csvPath}').");
        }

        var table = CsvTable.Read(csvPath);
        int xIndex = table.Column(xCol, "--x-col");
        int yIndex = table.Column(yCol, "--y-col");
        // A row without a file name or a class cannot be an image of a class (Keras would stop on it): left out here
        // and counted below with the rows flow_from_dataframe's validation drops.
        var named = table.Rows
            .Select(row => (File: Field(row, xIndex), Class: Field(row, yIndex)))
            .Where(r => r.File.Length > 0 && r.Class.Length > 0)
            .ToArray();
        var df = new DataFrame(
            new StringDataFrameColumn(xCol, named.Select(r => r.File)),
            new StringDataFrameColumn(yCol, named.Select(r => r.Class)));

        // The library's flow_from_dataframe lists, validates, labels and decodes, so the cache holds exactly the pixels
        // and classes a flow_from_dataframe user gets. Shuffle off: CSV row order. No augmentation: whole numbers 0..255.
        using var it = Build(df, directory, xCol, yCol, size, colorMode, interpolation, stdout, stderr);
        int skipped = table.Rows.Count - it.n;
        if (skipped > 0)
        {
            stderr.WriteLine($"warning: skipped {skipped} row(s) whose {xCol} is not a readable image file under --directory or whose {yCol} is empty.");
        }

        if (it.n == 0)
        {
            throw new UsageException($"--csv: none of the {table.Rows.Count} rows names an existing image under --directory {directory}.");
        }

        int channels = ImageFolder.Channels(colorMode);
        long bufferLength = (long)BatchSize * size.Height * size.Width * channels;
        if (bufferLength > Array.MaxLength)
        {
            throw new UsageException($"--target-size {size.Height}x{size.Width} is too large to cache ({bufferLength} bytes per step of {BatchSize} images).");
        }

        var buffer = new byte[bufferLength];
        var progress = new ProgressBar(stderr, "caching", it.n);
        int done = 0;
        using (var writer = new NpyWriter(outPath, "|u1", 1, [it.n, size.Height, size.Width, channels]))
        {
            for (int b = 0; b < it.len; b++)
            {
                Batch batch;
                try
                {
                    batch = it[b];
                }
                catch (ImageDecodeException e)
                {
                    // A file whose header looked fine but whose data does not decode: name it, and write nothing
                    // (the writer's Dispose removes its partial file).
                    throw new UsageException($"cannot cache '{e.FileName}': {e.Message}. Nothing was written; fix or remove that row of --csv.");
                }

                using (batch)
                {
                    var pixels = batch.AsSpan();
                    for (int i = 0; i < pixels.Length; i++)
                    {
                        buffer[i] = (byte)pixels[i];
                    }

                    writer.Write(buffer.AsSpan(0, pixels.Length));
                    done += batch.Count;
                    progress.Report(done);
                }
            }

            writer.Commit();
        }

        NpyWriter.WriteInt32(labelsPath, it.classes);
        var classIndices = it.class_indices.OrderBy(p => p.Value).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        File.WriteAllText(classesPath, JsonSerializer.Serialize(classIndices, new JsonSerializerOptions { WriteIndented = true }));
        stdout.WriteLine($"Wrote {outPath} ({it.n}, {size.Height}, {size.Width}, {channels}) uint8, {labelsPath} ({it.n},) int32, {classesPath}.");
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    private static string Field(string[] row, int index) => index < row.Length ? row[index].Trim() : string.Empty;

    /// <summary>
    /// flow_from_dataframe with its "Found ..." line sent to <paramref name="stdout"/> and its warnings (which rows
    /// it dropped, and why) to <paramref name="stderr"/>, through its logger (the process's console is left alone).
    /// </summary>
    private static DataFrameIterator Build(
        DataFrame df, string directory, string xCol, string yCol, ImageSize size, string colorMode, string interpolation, TextWriter stdout, TextWriter stderr) =>
        new ImageDataGenerator().flow_from_dataframe(
            df, directory, x_col: xCol, y_col: yCol, target_size: (size.Height, size.Width), color_mode: colorMode,
            class_mode: "sparse", batch_size: BatchSize, shuffle: false, interpolation: interpolation,
            logger: new TextWriterLogger(stdout, stderr));
}
