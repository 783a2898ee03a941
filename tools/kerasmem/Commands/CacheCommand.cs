using System.CommandLine;
using System.Text.Json;

namespace KerasMem.Commands;

/// <summary>
/// <c>kerasmem cache --csv labels.csv --directory DIR --out data.npy</c>: decodes the images a labels CSV names once,
/// into a uint8 .npy of shape (n, height, width, channels) plus int32 class indices, ready for
/// <c>np.load(path, mmap_mode: "r")</c> and <c>flow</c>. Classes are the sorted distinct --y-col values, as
/// Keras's flow_from_dataframe orders them; rows whose file is missing are skipped, as Keras does.
/// </summary>
internal static class CacheCommand
{
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

        var table = CsvTable.Read(csvPath);
        int xIndex = table.Column(xCol, "--x-col");
        int yIndex = table.Column(yCol, "--y-col");
        var kept = new List<(string Path, string Class)>();
        int skipped = 0;
        foreach (var row in table.Rows)
        {
            string file = xIndex < row.Length ? row[xIndex].Trim() : string.Empty;
            string label = yIndex < row.Length ? row[yIndex].Trim() : string.Empty;
            string full = Path.Combine(directory, file);
            if (file.Length == 0 || label.Length == 0 || !ImageFolder.IsImage(full) || !File.Exists(full))
            {
                skipped++;
                continue;
            }

            kept.Add((full, label));
        }

        if (skipped > 0)
        {
            stderr.WriteLine($"warning: skipped {skipped} row(s) whose {xCol} is not an existing image file or whose {yCol} is empty.");
        }

        if (kept.Count == 0)
        {
            throw new UsageException($"--csv: none of the {table.Rows.Count} rows names an existing image under --directory {directory}.");
        }

        var classes = kept.Select(k => k.Class).Distinct().Order(StringComparer.Ordinal).ToArray();
        var classIndices = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        stdout.WriteLine($"Found {kept.Count} validated image filenames belonging to {classes.Length} classes.");

        int channels = ImageFolder.Channels(colorMode);
        int imageBytes = size.Height * size.Width * channels;
        var buffer = new byte[imageBytes];
        var progress = new ProgressBar(stderr, "caching", kept.Count);
        using (var writer = new NpyWriter(outPath, "|u1", 1, [kept.Count, size.Height, size.Width, channels]))
        {
            for (int i = 0; i < kept.Count; i++)
            {
                ImageFolder.Decode(kept[i].Path, size, colorMode, interpolation, buffer);
                writer.Write(buffer);
                progress.Report(i + 1);
            }
        }

        NpyWriter.WriteInt32(labelsPath, kept.Select(k => classIndices[k.Class]).ToArray());
        File.WriteAllText(classesPath, JsonSerializer.Serialize(classIndices, new JsonSerializerOptions { WriteIndented = true }));
        stdout.WriteLine($"Wrote {outPath} ({kept.Count}, {size.Height}, {size.Width}, {channels}) uint8, {labelsPath} ({kept.Count},) int32, {classesPath}.");
    }
}
