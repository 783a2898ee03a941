using System.CommandLine;
using System.Diagnostics;
using Keras.Preprocessing.Memory;
using NumSharp;

namespace KerasMem.Commands;

/// <summary>
/// <c>kerasmem bench</c>: a quick in-process throughput run of <c>flow</c> on synthetic uint8 images (or on a
/// memory-mapped .npy), with a typical augmentation unless --config says otherwise.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Used when no --config is given: the augmentation most image classifiers train with.</summary>
    internal const string TypicalConfig = """{"rotation_range": 15, "width_shift_range": 0.1, "height_shift_range": 0.1, "zoom_range": 0.1, "horizontal_flip": true, "rescale": "1/255"}""";

    public static Command Create()
    {
        var npy = CommonOptions.ExistingFile("--npy", "Benchmark on this .npy of images (memory-mapped) instead of synthetic ones.", required: false);
        var samples = CommonOptions.AtLeast("--samples", 1, 512, "Synthetic images to generate.");
        var size = CommonOptions.TargetSize("--image-size", "Synthetic image size HxW.", "224x224");
        var channels = CommonOptions.AtLeast("--channels", 1, 3, "Synthetic image channels.");
        var config = CommonOptions.ExistingFile("--config", "JSON object of ImageDataGenerator arguments (default: rotation, shifts, zoom, flip, rescale).", required: false);
        var batchSize = CommonOptions.AtLeast("--batch-size", 1, 32, "Images per batch.");
        var batches = CommonOptions.AtLeast("--batches", 1, 20, "Batches to time (after one warm-up batch).");
        var workers = new Option<int>("--workers") { Description = "Threads per batch (-1: all cores).", DefaultValueFactory = _ => -1 };
        var prefetch = CommonOptions.AtLeast("--prefetch", 0, 0, "Batches computed ahead in the background.");

        var command = new Command("bench", "Measure flow's throughput in this process (images/s and MB/s).")
        {
            npy, samples, size, channels, config, batchSize, batches, workers, prefetch,
        };
        command.SetAction(parse => KerasMemCli.Guard(parse, "bench", (stdout, stderr) => Run(
            parse.GetValue(npy),
            parse.GetValue(samples),
            parse.GetValue(size) ?? new ImageSize(224, 224),
            parse.GetValue(channels),
            parse.GetValue(config),
            parse.GetValue(batchSize),
            parse.GetValue(batches),
            parse.GetValue(workers),
            parse.GetValue(prefetch),
            stdout,
            stderr)));
        return command;
    }

    public static void Run(
        string? npyPath, int samples, ImageSize size, int channels, string? configPath, int batchSize, int batches, int workers, int prefetch, TextWriter stdout, TextWriter stderr)
    {
        var generator = configPath is null ? AugmentationConfig.Parse(TypicalConfig, "bench's default config") : AugmentationConfig.Load(configPath);
        using var x = npyPath is null ? Synthetic(samples, size, channels) : LoadMapped(npyPath);
        using var it = generator.flow(x, batch_size: batchSize, seed: 0, workers: workers, prefetch: prefetch);
        using (it.next())
        {
            // Warm-up: JIT and buffer pool.
        }

        var progress = new ProgressBar(stderr, "bench", batches);
        long images = 0;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < batches; i++)
        {
            using var batch = it.next();
            images += batch.Count;
            progress.Report(i + 1);
        }

        double seconds = watch.Elapsed.TotalSeconds;
        long imageBytes = x.size / x.shape[0] * x.dtypesize;
        stdout.WriteLine(
            $"{images} images ({Shape(x)} {KerasMem.DTypeNames.Of(x)}) in {seconds:F3} s: {images / seconds:F1} images/s, " +
            $"{batches / seconds:F2} batches/s, {images * imageBytes / seconds / 1e6:F1} MB/s read, on {it.device} with workers={workers}, prefetch={prefetch}.");
    }

    private static NDArray Synthetic(int samples, ImageSize size, int channels)
    {
        long length = (long)samples * size.Height * size.Width * channels;
        if (length > Array.MaxLength)
        {
            // Was an OverflowException stack trace: say which options make the request too large.
            throw new UsageException(
                $"--samples {samples} × --image-size {size.Height}x{size.Width} × --channels {channels} is {length} bytes, more than one " +
                $"array can hold ({Array.MaxLength}). Use fewer --samples or a smaller --image-size.");
        }

        var bytes = new byte[length];
        new Random(0).NextBytes(bytes);
        return new NDArray(bytes, new Shape(samples, size.Height, size.Width, channels));
    }

    private static NDArray LoadMapped(string path)
    {
        try
        {
            // NpyFile.load refuses a file shorter than its header promises, which would be read past its end.
            return NpyFile.load(path, mmap_mode: "r");
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--npy: {e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal)}");
        }
    }

    private static string Shape(NDArray x) => "(" + string.Join(", ", x.shape.Skip(1)) + ")";
}
