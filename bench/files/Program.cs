using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Keras.Preprocessing.Memory;
using Microsoft.Data.Analysis;
using SkiaSharp;

namespace KerasMemory.FilesBench;

/// <summary>
/// flow_from_dataframe on JPEG files: ours decoding every batch from disk, ours with the decode-once cache, and
/// Keras's (keras_preprocessing 1.1.0 through /usr/bin/python3, on the same files), with the same augmentation.
/// Usage: KerasMemory.FilesBench [--quick] [--files N] [--python PATH] [--no-keras].
/// </summary>
public static class Program
{
    private const int Side = 128;
    private const int BatchSize = 32;
    private const int Classes = 4;

    /// <summary>Runs the benchmark; returns 0 on success.</summary>
    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        int files = int.Parse(Option(args, "--files") ?? (quick ? "200" : "2000"), CultureInfo.InvariantCulture);
        string python = Option(args, "--python") ?? "/usr/bin/python3";
        KerasWarnings.WriteToStandardError = true;

        string root = Directory.CreateTempSubdirectory("kerasmem-files-bench-").FullName;
        try
        {
            var watch = Stopwatch.StartNew();
            var df = WriteDataset(root, files);
            Console.WriteLine($"KerasMemory files bench: {files} JPEG files of {Side}x{Side} ({Classes} classes) written in {watch.Elapsed.TotalSeconds:F1} s, " +
                              $"{Environment.ProcessorCount} CPU cores, .NET {Environment.Version}");
            Console.WriteLine($"flow_from_dataframe(target_size=({Side}, {Side}), batch_size={BatchSize}, shuffle=True, seed=1); augmentation: " +
                              "rotation 20, width/height shift 0.1, shear 0.1, zoom 0.1, horizontal flip (fill nearest, bilinear)");
            Console.WriteLine();

            // JIT warm-up on a few files, so that neither pipeline pays for compiling the code both share;
            // Keras's own start-up (imports) is likewise outside its timings.
            foreach (bool cache in new[] { false, true })
            {
                MeasureOurs("warm-up", df.Head(Math.Min(files, 2 * BatchSize)), root, cache);
            }

            var rows = new List<Result>
            {
                MeasureOurs("KerasMemory, decode per batch", df, root, cache: false),
                MeasureOurs("KerasMemory, cache=true", df, root, cache: true),
            };
            var keras = args.Contains("--no-keras") ? null : MeasureKeras(python, root);
            if (keras is not null)
            {
                rows.Add(keras);
            }

            PrintTable(rows, keras);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>JPEG files in class folders plus labels.csv (for Keras), and the same table as a DataFrame.</summary>
    private static DataFrame WriteDataset(string root, int count)
    {
        var names = new string[count];
        var labels = new string[count];
        Parallel.For(0, count, i =>
        {
            labels[i] = $"class{i % Classes}";
            names[i] = $"{labels[i]}/img{i:D5}.jpg";
            string path = Path.Combine(root, names[i]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Draw(i));
        });
        File.WriteAllLines(Path.Combine(root, "labels.csv"), ["filename,class", .. names.Select((n, i) => $"{n},{labels[i]}")]);
        return new DataFrame(new StringDataFrameColumn("filename", names), new StringDataFrameColumn("class", labels));
    }

    /// <summary>A gradient with a few shapes: photo-like enough that the JPEG codec has real work to do.</summary>
    private static byte[] Draw(int seed)
    {
        var random = new Random(seed);
        using var surface = SKSurface.Create(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        using (var shader = SKShader.CreateLinearGradient(
            new SKPoint(0, 0), new SKPoint(Side, Side), [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp))
        using (var background = new SKPaint { Shader = shader })
        {
            canvas.DrawRect(0, 0, Side, Side, background);
        }

        using var paint = new SKPaint { IsAntialias = true };
        for (int k = 0; k < 6; k++)
        {
            paint.Color = RandomColor(random);
            float x = random.Next(Side), y = random.Next(Side), r = 6 + random.Next(30);
            if (k % 2 == 0)
            {
                canvas.DrawCircle(x, y, r, paint);
            }
            else
            {
                canvas.DrawRect(x - r, y - r, 2 * r, r, paint);
            }
        }

        using var image = surface.Snapshot();
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return jpeg.ToArray();
    }

    private static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    private static Result MeasureOurs(string name, DataFrame df, string root, bool cache)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var gen = new ImageDataGenerator(
            rotation_range: 20, width_shift_range: 0.1, height_shift_range: 0.1, shear_range: 0.1, zoom_range: 0.1, horizontal_flip: true);
        var stdout = Console.Out;
        var watch = Stopwatch.StartNew();
        Console.SetOut(TextWriter.Null); // the "Found ..." line would break the table
        Keras.Preprocessing.Memory.DataFrameIterator it;
        try
        {
            it = gen.flow_from_dataframe(df, root, target_size: (Side, Side), batch_size: BatchSize, shuffle: true, seed: 1, cache: cache);
        }
        finally
        {
            Console.SetOut(stdout);
        }

        double construct = watch.Elapsed.TotalSeconds;
        using (it)
        {
            var epochs = new double[2];
            for (int e = 0; e < epochs.Length; e++)
            {
                watch.Restart();
                foreach (var batch in it)
                {
                    batch.Dispose();
                }

                epochs[e] = watch.Elapsed.TotalSeconds;
            }

            return new Result(name, it.n, construct, epochs[0], epochs[1]);
        }
    }

    /// <summary>Runs keras_files.py on the same files; a Result with a note instead of numbers when it cannot.</summary>
    private static Result? MeasureKeras(string python, string root)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "keras_files.py");
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--csv", Path.Combine(root, "labels.csv"), "--directory", root, "--batch-size", BatchSize.ToString(CultureInfo.InvariantCulture), "--target", Side.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {python}");
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"Keras run failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
                return null;
            }

            using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            var r = json.RootElement;
            var epochs = r.GetProperty("epoch_s").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            return new Result("Keras 1.1.0 (Python, PIL, scipy)", r.GetProperty("n").GetInt32(), r.GetProperty("construct_s").GetDouble(), epochs[0], epochs[1]);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or JsonException)
        {
            Console.WriteLine($"Keras not measured ({python}: {e.Message}); pass --python PATH or --no-keras.");
            return null;
        }
    }

    private static void PrintTable(List<Result> rows, Result? keras)
    {
        Console.WriteLine("| pipeline | images | construction s | epoch 1 img/s | epoch 2 img/s | epoch 1 vs Keras | epoch 2 vs Keras | construction + 2 epochs vs Keras |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rows)
        {
            string Ratio(Func<Result, double> speed) => keras is null || ReferenceEquals(r, keras) ? "-" : $"{speed(r) / speed(keras):F1}x";
            Console.WriteLine(
                $"| {r.Name} | {r.Images} | {r.Construct:F2} | {r.Images / r.Epoch1:F0} | {r.Images / r.Epoch2:F0} | " +
                $"{Ratio(x => x.Images / x.Epoch1)} | {Ratio(x => x.Images / x.Epoch2)} | {Ratio(x => 1 / x.Total)} |");
        }
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed record Result(string Name, int Images, double Construct, double Epoch1, double Epoch2)
    {
        public double Total => Construct + Epoch1 + Epoch2;
    }
}
