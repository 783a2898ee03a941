using System.CommandLine;
using Keras.Preprocessing.Memory;
using NumSharp;

namespace KerasMem.Commands;

/// <summary><c>kerasmem preview --images DIR --config aug.json --out grid.png</c>: a contact sheet of augmented samples.</summary>
internal static class PreviewCommand
{
    public static Command Create()
    {
        var images = CommonOptions.ExistingDirectory("--images", "Folder of images (class subfolders included); the first --rows in name order are shown.");
        var config = CommonOptions.ExistingFile("--config", "JSON object of ImageDataGenerator arguments by their Keras names, e.g. {\"rotation_range\": 20}.", required: false);
        var output = new Option<string>("--out") { Description = "PNG file to write.", DefaultValueFactory = _ => "preview.png", HelpName = "FILE" };
        var rows = CommonOptions.AtLeast("--rows", 1, 4, "Images shown, one per row.");
        var cols = CommonOptions.AtLeast("--cols", 2, 6, "Columns: the original, then augmented versions.");
        var seed = new Option<int?>("--seed") { Description = "Random seed; the same seed draws the same grid." };
        var size = CommonOptions.TargetSize("--target-size", "Resize every image to HxW (default: the first image's size).", null);
        var colorMode = CommonOptions.ColorMode();
        var interpolation = CommonOptions.Interpolation();
        var noCaptions = new Option<bool>("--no-captions") { Description = "Leave the grid bare: no \"original\"/\"augmented\" header, no file names." };

        var command = new Command("preview", "Write a PNG grid: each row an image, its original first, then augmented versions.")
        {
            images, config, output, rows, cols, seed, size, colorMode, interpolation, noCaptions,
        };
        command.SetAction(parse => KerasMemCli.Guard(parse, "preview", (stdout, stderr) => Run(
            parse.GetRequiredValue(images),
            parse.GetValue(config),
            parse.GetRequiredValue(output),
            parse.GetValue(rows),
            parse.GetValue(cols),
            parse.GetValue(seed),
            parse.GetValue(size),
            parse.GetRequiredValue(colorMode),
            parse.GetRequiredValue(interpolation),
            !parse.GetValue(noCaptions),
            stdout,
            stderr)));
        return command;
    }

    public static void Run(
        string imagesDir, string? configPath, string outPath, int rows, int cols, int? seed, ImageSize? targetSize, string colorMode, string interpolation, bool captions, TextWriter stdout, TextWriter stderr)
    {
        var generator = AugmentationConfig.Load(configPath);
        var files = ImageFolder.List(imagesDir);
        if (files.Length == 0)
        {
            throw new UsageException($"--images: no png, jpg, jpeg, bmp, gif or webp files in {imagesDir}.");
        }

        // One image per class in turn (class subfolders in name order), skipping files that do not decode.
        var size = targetSize;
        var chosen = new List<string>();
        var pixels = new List<NDArray>();
        try
        {
            var progress = new ProgressBar(stderr, "decoding", Math.Min(rows, files.Length));
            foreach (string file in ImageFolder.AcrossClasses(imagesDir, files))
            {
                if (chosen.Count == rows)
                {
                    break;
                }

                try
                {
                    size ??= ImageFolder.SizeOf(file);
                    pixels.Add(ImageFolder.Load([file], size.Value, colorMode, interpolation));
                    chosen.Add(file);
                    progress.Report(chosen.Count);
                }
                catch (Exception e) when (e is ImageDecodeException or DecompressionBombException or IOException or UnauthorizedAccessException)
                {
                    stderr.WriteLine($"warning: skipped {Path.GetRelativePath(imagesDir, file)}: {e.Message}");
                }
            }

            if (chosen.Count == 0)
            {
                throw new UsageException($"--images: none of the {files.Length} image files in {imagesDir} could be decoded.");
            }

            using var x = pixels.Count == 1 ? pixels[0].copy() : np.concatenate([.. pixels], 0);
            if (generator.featurewise_center || generator.featurewise_std_normalization || generator.zca_whitening)
            {
                // Keras users call datagen.fit(x) before flow; the preview fits on the images it shows.
                generator.fit(x);
            }

            Preview.preview_grid(generator, x, rows, cols, outPath, seed);
            var labels = Enumerable.Range(0, rows).Select(r => Path.GetRelativePath(imagesDir, chosen[r % chosen.Count])).ToArray();
            bool captioned = captions && GridCaptions.Draw(outPath, rows, cols, size!.Value, padding: 2, labels);
            stdout.WriteLine($"Wrote {outPath}: {rows} rows x {cols} columns of {size} images ({chosen.Count} distinct).");
            stdout.WriteLine($"Column 1 is the original, columns 2-{cols} augmented (epochs 0-{cols - 2}); rows:"
                + (captioned || !captions ? "" : " (no font found for captions in the image)"));
            for (int r = 0; r < rows; r++)
            {
                stdout.WriteLine($"  {r + 1}: {labels[r]}");
            }
        }
        finally
        {
            foreach (var p in pixels)
            {
                p.Dispose();
            }
        }
    }
}
