using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using KerasMemory.Bench;

// KerasMemory benchmark (issue 3): ours vs keras_preprocessing 1.1.0, OpenCV warpAffine and memcpy, same data,
// one invocation. Usage: dotnet run -c Release --project bench [-- --quick] [--python PATH] [--reps N]
//                                                               [--cases 64x64,224x224,cifar] [--no-rss]
//        --profile NAME SECONDS [PREFETCH [WORKERS]]: ours alone, epochs in a loop (for perf record / dotnet-trace).
// Internal: --rss-child NAME COUNT (one isolated epoch for the peak-RSS figure).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = Options.Parse(args);
if (options.RssChild is { } childCase)
{
    return Runners.RssChild(childCase);
}

if (options.Profile is { } profile)
{
    return Runners.Profile(profile.Case, profile.Seconds, profile.Prefetch, profile.Workers, dispose: !options.NoDispose);
}

return Harness.Run(options);

/// <summary>Command-line options.</summary>
internal sealed record Options(bool Quick, string Python, int? Reps, string[]? Cases, bool Rss, BenchCase? RssChild, (BenchCase Case, double Seconds, int Prefetch, int Workers)? Profile, bool NoDispose = false)
{
    public static Options Parse(string[] args)
    {
        bool quick = false, rss = true, noDispose = false;
        string python = Environment.GetEnvironmentVariable("KERASMEMORY_BENCH_PYTHON") ?? "/usr/bin/python3";
        int? reps = null;
        string[]? cases = null;
        BenchCase? child = null;
        (BenchCase, double, int, int)? profile = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--no-dispose": noDispose = true; break;
                case "--no-rss": rss = false; break;
                case "--python": python = args[++i]; break;
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--cases": cases = args[++i].Split(','); break;
                case "--rss-child":
                    string name = args[++i];
                    child = BenchCase.For(quick: false).Single(c => c.Name == name) with { Count = int.Parse(args[++i], CultureInfo.InvariantCulture) };
                    break;
                case "--profile":
                    string which = args[++i];
                    double seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    int prefetch = i + 1 < args.Length && int.TryParse(args[i + 1], out int p) ? p : 0;
                    i += i + 1 < args.Length && int.TryParse(args[i + 1], out _) ? 1 : 0;
                    int workers = i + 1 < args.Length && int.TryParse(args[i + 1], out int w) ? w : -1;
                    i += i + 1 < args.Length && int.TryParse(args[i + 1], out _) ? 1 : 0;
                    profile = (BenchCase.For(quick: false).Single(c => c.Name == which), seconds, prefetch, workers);
                    break;
                default:
                    throw new ArgumentException($"unknown argument {args[i]}; see the comment at the top of bench/Program.cs");
            }
        }

        return new Options(quick, python, reps, cases, rss, child, profile, noDispose);
    }
}

/// <summary>Runs every case, interleaving the contenders within each repetition, and prints the tables.</summary>
internal static class Harness
{
    private const int OursPrefetch = 2;

    public static int Run(Options options)
    {
        var total = Stopwatch.StartNew();
        var cases = BenchCase.For(options.Quick).Where(c => options.Cases is null || options.Cases.Contains(c.Name)).ToArray();
        PrintMachine();
#if DEBUG
        Console.WriteLine("WARNING: Debug build; timings are meaningless. Use -c Release.");
#endif

        string dataDir = Path.Combine(Path.GetTempPath(), $"kerasmemory-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dataDir);
        using var peers = PeerClient.TryStart(options.Python, out string? peerError);
        Console.WriteLine(peers is null ? $"peers: unavailable ({peerError}); Keras/OpenCV columns stay empty" : $"peers: {peers.Versions()}");
        Console.WriteLine();

        var results = new List<Row>();
        try
        {
            foreach (var c in cases)
            {
                results.Add(RunCase(c with { Reps = options.Reps ?? c.Reps }, peers, dataDir, options.Quick ? 1.0 : 1.5, options.Quick ? 0.3 : 1.0));
            }

            PrintTable(results);
            Rss? rss = null;
            if (options.Rss && cases.FirstOrDefault(c => c.Name == "cifar") is { } cifar)
            {
                rss = MeasureRss(cifar, peers is null ? null : options.Python, dataDir);
                PrintRss(rss);
            }

            PrintTargets(results, rss, options.Quick);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }

        Console.WriteLine($"total bench time {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static Row RunCase(BenchCase c, PeerClient? peers, string dataDir, double warmSeconds, double minSeconds)
    {
        Progress($"{c.Label}: preparing");
        using var x = c.CreateImages();
        using var y = c.CreateLabels();
        var generator = Runners.SeedGenerator();
        if (peers is not null)
        {
            string path = Path.Combine(dataDir, c.Name + ".npy");
            c.WriteNpy(x, path);
            peers.Call(new JsonObject { ["op"] = "load", ["name"] = c.Name, ["path"] = path });
            File.Delete(path);
        }

        // Warm-up, off the record: JIT tiers of the iterator code (ours; the kernels are compiled optimized at
        // once) and first-call costs (peers). Time-based, so tiered compilation has settled before measuring.
        int warmBatches = Math.Max(4, Math.Min(64, (c.Count / c.Batch) / 2));
        var warm = Stopwatch.StartNew();
        for (int w = 0; w < 2 || warm.Elapsed.TotalSeconds < warmSeconds; w++)
        {
            Runners.Ours(generator, x, y, c.Batch, 100 + w, 0, warmBatches);
            Runners.Ours(generator, x, y, c.Batch, 200 + w, OursPrefetch, warmBatches);
        }

        peers?.Time("keras", c.Name, c.Batch, 99, 2);
        peers?.Time("opencv", c.Name, c.Batch, 99, 2);
        Runners.Memcpy(x, c.ImageBytes, c.Batch, 99);

        var row = new Row(c);
        for (int rep = 0; rep < c.Reps; rep++)
        {
            Progress($"{c.Label}: repetition {rep + 1}/{c.Reps}");
            int seed = 1 + rep;
            row.Ours.Add(Rate(Runners.Ours(generator, x, y, c.Batch, seed, 0, minSeconds: minSeconds)));
            row.OursPrefetch.Add(Rate(Runners.Ours(generator, x, y, c.Batch, seed, OursPrefetch, minSeconds: minSeconds)));
            if (peers is not null)
            {
                row.Keras.Add(Rate(peers.Time("keras", c.Name, c.Batch, seed, minSeconds: minSeconds)));
                row.OpenCv.Add(Rate(peers.Time("opencv", c.Name, c.Batch, seed, minSeconds: minSeconds)));
            }

            row.Memcpy.Add(Rate(Runners.Memcpy(x, c.ImageBytes, c.Batch, seed, minSeconds)));
        }

        peers?.Call(new JsonObject { ["op"] = "drop", ["name"] = c.Name });
        Progress($"{c.Label}: done", last: true);
        return row;
    }

    /// <summary>Progress on stderr: one rewritten line on a terminal, plain lines in a log.</summary>
    private static void Progress(string text, bool last = false)
    {
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine(text);
        }
        else
        {
            Console.Error.Write($"\r{text,-80}{(last ? "\n" : string.Empty)}");
        }
    }

    private static double Rate((double Seconds, long Images) run) => run.Images / run.Seconds;

    private static Rss MeasureRss(BenchCase c, string? python, string dataDir)
    {
        Console.Error.WriteLine($"peak RSS: {c.Count:N0} x {c.Rows}x{c.Cols}x{c.Channels} uint8, one epoch each in its own process...");
        var ours = RunSelf($"--rss-child {c.Name} {c.Count}");
        JsonObject? keras = null;
        if (python is not null)
        {
            string path = Path.Combine(dataDir, c.Name + "-rss.npy");
            using (var x = c.CreateImages())
            {
                c.WriteNpy(x, path);
            }

            keras = PeerClient.RunOnce(python, $"--rss-keras {path} {c.Batch}");
            File.Delete(path);
        }

        return new Rss(c, ours, keras);
    }

    /// <summary>Re-launches this bench (apphost or `dotnet bench.dll`) with <paramref name="arguments"/>.</summary>
    private static JsonObject RunSelf(string arguments)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        foreach (string a in arguments.Split(' '))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not re-launch the bench");
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"RSS child printed nothing (exit {process.ExitCode})");
        return JsonNode.Parse(last)!.AsObject();
    }

    private static void PrintMachine()
    {
        string model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : RuntimeInformation.ProcessArchitecture.ToString();
        Console.WriteLine($"machine: {model}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}");
        Console.WriteLine($"runtime: {RuntimeInformation.FrameworkDescription}, SIMD: {System.Numerics.Vector<byte>.Count * 8}-bit Vector<T>, " +
            $"AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}, AVX-512 {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}");
    }

    private static void PrintTable(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine("Throughput, images/s: median of the repetitions; in each repetition every contender runs in turn, whole");
        Console.WriteLine("epochs for at least 1 s (0.3 s with --quick), flow() construction off the clock.");
        Console.WriteLine();
        Console.WriteLine("| case | reps | ours | ours prefetch=2 | Keras 1.1.0 | OpenCV 1 thread | memcpy 1 thread | ours/Keras | ours/OpenCV | ours/memcpy |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            Console.WriteLine(
                $"| {r.Case.Label} | {r.Case.Reps} | {Fmt(Median(r.Ours))} | {Fmt(Median(r.OursPrefetch))} | {Fmt(Median(r.Keras))} | {Fmt(Median(r.OpenCv))} | " +
                $"{Fmt(Median(r.Memcpy))} | {Ratio(Median(r.Ours), Median(r.Keras))} | {Ratio(Median(r.Ours), Median(r.OpenCv))} | {Ratio(Median(r.Ours), Median(r.Memcpy))} |");
        }

        Console.WriteLine();
        Console.WriteLine("Ratios and targets use ours with flow()'s defaults (prefetch=0). Spread (min..max img/s):");
        foreach (var r in rows)
        {
            Console.WriteLine($"  {r.Case.Name}: ours {Spread(r.Ours)}, prefetch {Spread(r.OursPrefetch)}, Keras {Spread(r.Keras)}, OpenCV {Spread(r.OpenCv)}, memcpy {Spread(r.Memcpy)}");
        }
    }

    private static void PrintRss(Rss rss)
    {
        double dataset = rss.Case.DatasetBytes / 1048576.0;
        Console.WriteLine();
        Console.WriteLine($"Peak RSS (VmHWM), one flow epoch over {rss.Case.Count:N0} x {rss.Case.Rows}x{rss.Case.Cols}x{rss.Case.Channels} uint8 " +
            $"({dataset:F1} MiB of data), each in its own process:");
        Console.WriteLine();
        Console.WriteLine("| contender | RSS after data loaded, MiB | peak RSS, MiB | peak - dataset, MiB | epoch img/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, json) in new[] { ("ours", rss.Ours), ("Keras 1.1.0", rss.Keras) })
        {
            if (json is null)
            {
                continue;
            }

            double peak = json["peak_rss_kb"]!.GetValue<long>() / 1024.0;
            Console.WriteLine($"| {name} | {json["rss_after_load_kb"]!.GetValue<long>() / 1024.0:F1} | {peak:F1} | {peak - dataset:F1} | " +
                $"{json["images"]!.GetValue<long>() / json["seconds"]!.GetValue<double>():F0} |");
        }
    }

    private static void PrintTargets(List<Row> rows, Rss? rss, bool quick)
    {
        Console.WriteLine();
        Console.WriteLine(quick
            ? "Targets (issue 3), indicative only: --quick is a smoke run on smaller cases; the targets are judged on a full run:"
            : "Targets (issue 3):");
        Check(rows, "64x64", r => Median(r.Ours) / Median(r.Keras), 30, "ours/Keras at 64x64");
        Check(rows, "224x224", r => Median(r.Ours) / Median(r.Keras), 30, "ours/Keras at 224x224");
        Check(rows, "224x224", r => Median(r.Ours) / Median(r.OpenCv), 2, "ours/OpenCV at 224x224");
        if (rss is not null)
        {
            double over = (rss.Ours["peak_rss_kb"]!.GetValue<long>() / 1024.0) - (rss.Case.DatasetBytes / 1048576.0);
            Console.WriteLine($"  peak RSS - dataset <= 64 MiB ({rss.Case.Count:N0} images): {over:F1} MiB  {(over <= 64 ? "MET" : "MISSED")}");
        }
    }

    private static void Check(List<Row> rows, string name, Func<Row, double> value, double target, string label)
    {
        if (rows.FirstOrDefault(r => r.Case.Name == name) is not { } row)
        {
            return;
        }

        double v = value(row);
        string verdict = double.IsNaN(v) ? "n/a" : v >= target ? "MET" : "MISSED";
        Console.WriteLine($"  {label} >= {target}x: {v:F1}x  {verdict}");
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Fmt(double v) => double.IsNaN(v) ? "n/a" : v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? "n/a" : (a / b).ToString("F2", CultureInfo.InvariantCulture) + "x";

    private static string Spread(List<double> v) => v.Count == 0 ? "n/a" : $"{v.Min():N0}..{v.Max():N0}";

    private sealed class Row(BenchCase c)
    {
        public BenchCase Case { get; } = c;

        public List<double> Ours { get; } = [];

        public List<double> OursPrefetch { get; } = [];

        public List<double> Keras { get; } = [];

        public List<double> OpenCv { get; } = [];

        public List<double> Memcpy { get; } = [];
    }

    private sealed record Rss(BenchCase Case, JsonObject Ours, JsonObject? Keras);
}
