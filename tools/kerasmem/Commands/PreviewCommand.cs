using System.CommandLine;
using Keras.Preprocessing.Memory;

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

        var command = new Command("preview", "Write a PNG grid: each row an image, its original first, then augmented versions.")
        {
            images, config, output, rows, cols, seed, size, colorMode, interpolation,
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
            stdout,
            stderr)));
        return command;
    }

    public static void Run(
        string imagesDir, string? configPath, string outPath, int rows, int cols, int? seed, ImageSize? targetSize, string colorMode, string interpolation, TextWriter stdout, TextWriter stderr)
    {
        var generator = AugmentationConfig.Load(configPath);
        var files = ImageFolder.List(imagesDir);
        if (files.Length == 0)
        {
            throw new UsageException($"--images: no png, jpg, jpeg, bmp, gif or webp files in {imagesDir}.");
        }

        var chosen = files.Take(rows).ToArray();
        var size = targetSize ?? ImageFolder.SizeOf(chosen[0]);
        using var x = ImageFolder.Load(chosen, size, colorMode, interpolation, new ProgressBar(stderr, "decoding", chosen.Length));
        if (generator.featurewise_center || generator.featurewise_std_normalization || generator.zca_whitening)
        {
            // Keras users call datagen.fit(x) before flow; the preview fits on the images it shows.
            generator.fit(x);
        }

        Preview.preview_grid(generator, x, rows, cols, outPath, seed);
        stdout.WriteLine($"Wrote {outPath}: {rows} rows x {cols} columns of {size} images ({chosen.Length} distinct).");
    }
}
