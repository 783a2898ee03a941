using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Json.Nodes;
using Keras.Preprocessing.Memory;
using NumSharp;

namespace KerasMemory.Bench;

/// <summary>The in-process contenders: our flow and the plain memory copy.</summary>
internal static unsafe class Runners
{
    /// <summary>The seed parameters of issue 3 (the same as PARAMS in peers.py).</summary>
    public static ImageDataGenerator SeedGenerator() => new(
        rotation_range: 20,
        width_shift_range: 0.1,
        height_shift_range: 0.1,
        shear_range: 0.1,
        zoom_range: 0.1,
        horizontal_flip: true,
        fill_mode: "nearest");

    /// <summary>The seed parameters with ZCA whitening (Keras turns featurewise_center on with it; so does ours).</summary>
    public static ImageDataGenerator ZcaGenerator() => new(
        featurewise_center: true,
        zca_whitening: true,
        rotation_range: 20,
        width_shift_range: 0.1,
        height_shift_range: 0.1,
        shear_range: 0.1,
        zoom_range: 0.1,
        horizontal_flip: true,
        fill_mode: "nearest");

    /// <summary>
    /// <c>flow</c> as a training loop pulls it: one iterator, then next() batch after batch — as a Keras user writes
    /// it (<paramref name="dispose"/> false: the batch is dropped, never disposed) or disposing each — whole epochs until <paramref name="minSeconds"/> have passed (or only <paramref name="batches"/> batches).
    /// <paramref name="disposeLate"/> disposes each batch that many batches later (a diagnostic: the idiom's rotation
    /// through a slack's worth of buffers, which the cache feels, without its collections). The clock
    /// starts after flow() (as for Keras, whose flow() converts the data once) and stops at the last batch: batches
    /// a prefetching iterator had started beyond it are waited for off the clock and not counted.
    /// </summary>
    public static (double Seconds, long Images) Ours(
        ImageDataGenerator generator, NDArray x, NDArray y, int batch, int seed, int prefetch, int? batches = null, int workers = -1, double minSeconds = 0, bool dispose = true, int disposeLate = 0)
    {
        using var it = generator.flow(x, y, batch_size: batch, shuffle: true, seed: seed, workers: workers, prefetch: prefetch);
        int perEpoch = Math.Min(batches ?? it.len, it.len);
        long images = 0;
        var late = new Queue<Batch>();
        var clock = Stopwatch.StartNew();
        do
        {
            for (int i = 0; i < perEpoch; i++)
            {
                if (disposeLate > 0)
                {
                    var b = it.next();
                    images += b.Count;
                    late.Enqueue(b);
                    if (late.Count > disposeLate)
                    {
                        late.Dequeue().Dispose();
                    }
                }
                else if (dispose)
                {
                    using var b = it.next();
                    images += b.Count;
                }
                else
                {
                    // The README's idiom, as a Keras user writes it: no Dispose, the batch left to the GC.
                    var (xBatch, _) = it.next();
                    images += xBatch.shape[0];
                }
            }
        }
        while (batches is null && clock.Elapsed.TotalSeconds < minSeconds);

        var elapsed = clock.Elapsed.TotalSeconds;
        while (late.TryDequeue(out var b))
        {
            b.Dispose();
        }

        return (elapsed, images);
    }

    /// <summary>
    /// The floor: the same images gathered in the same shuffled batches into a float32 batch buffer, as flow's output
    /// is, with no warp: a memcpy per image for float32 data, a uint8 -> float32 widening for uint8 data. On
    /// <paramref name="threads"/> threads, the images of each batch split between them (as ours splits its work).
    /// </summary>
    public static (double Seconds, long Images) Floor(NDArray x, BenchCase c, int seed, int threads, double minSeconds = 0)
    {
        int n = (int)x.shape[0];
        int values = c.Rows * c.Cols * c.Channels;
        var order = Enumerable.Range(0, n).ToArray();
        var random = new Random(seed);
        var buffer = GC.AllocateUninitializedArray<float>(values * c.Batch, pinned: true);
        nint src = (nint)x.Unsafe.Address;
        nint dst = (nint)Unsafe.AsPointer(ref buffer[0]);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        long images = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            random.Shuffle(order);
            for (int start = 0; start < n; start += c.Batch)
            {
                int count = Math.Min(c.Batch, n - start);
                int first = start;
                if (threads == 1)
                {
                    for (int k = 0; k < count; k++)
                    {
                        CopyImage(src, dst, order[first + k], k, values, c.IsUInt8);
                    }
                }
                else
                {
                    Parallel.For(0, threads, parallel, t =>
                    {
                        for (int k = count * t / threads, end = count * (t + 1) / threads; k < end; k++)
                        {
                            CopyImage(src, dst, order[first + k], k, values, c.IsUInt8);
                        }
                    });
                }
            }

            images += n;
        }
        while (clock.Elapsed.TotalSeconds < minSeconds);

        GC.KeepAlive(buffer);
        return (clock.Elapsed.TotalSeconds, images);
    }

    private static void CopyImage(nint source, nint batch, int image, int slot, int values, bool uint8)
    {
        float* dst = (float*)batch + ((long)slot * values);
        if (!uint8)
        {
            Buffer.MemoryCopy((float*)source + ((long)image * values), dst, values * sizeof(float), values * sizeof(float));
            return;
        }

        byte* src = (byte*)source + ((long)image * values);
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; k <= values - 64; k += 64)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Load(src + k));
                var (a, b) = Vector512.Widen(lo);
                var (e, f) = Vector512.Widen(hi);
                Vector512.Store(Vector512.ConvertToSingle(a), dst + k);
                Vector512.Store(Vector512.ConvertToSingle(b), dst + k + 16);
                Vector512.Store(Vector512.ConvertToSingle(e), dst + k + 32);
                Vector512.Store(Vector512.ConvertToSingle(f), dst + k + 48);
            }
        }

        for (; k < values; k++)
        {
            dst[k] = src[k];
        }
    }

    /// <summary>
    /// The isolated RSS measurement (run in a fresh process): build the dataset, run one default flow epoch, and
    /// report the peak resident set (VmHWM) next to the RSS right after the data was built.
    /// </summary>
    public static int RssChild(BenchCase c, bool dispose)
    {
        using var x = c.CreateImages();
        using var y = c.CreateLabels();
        long afterLoad = ProcStatusKb("VmRSS");
        var (seconds, images) = Ours(SeedGenerator(), x, y, c.Batch, 1, prefetch: 0, dispose: dispose);
        var reply = new JsonObject
        {
            ["peak_rss_kb"] = ProcStatusKb("VmHWM"),
            ["rss_after_load_kb"] = afterLoad,
            ["dataset_bytes"] = c.DatasetBytes,
            ["seconds"] = seconds,
            ["images"] = images,
        };
        Console.WriteLine(reply.ToJsonString());
        return 0;
    }

    /// <summary>
    /// Ours alone, epoch after epoch for <paramref name="seconds"/>, printing img/s per epoch (a target for profilers).
    /// <paramref name="alternate"/> switches between the idiom and the disposing loop every epoch and prints both
    /// medians at the end: an A/B within one period, which a shared machine's changing load tilts less.
    /// <paramref name="disposeLate"/>: see <see cref="Ours"/>.
    /// </summary>
    public static int Profile(BenchCase c, double seconds, int prefetch, int workers, bool dispose = true, bool alternate = false, int disposeLate = 0)
    {
        using var x = c.CreateImages();
        using var y = c.CreateLabels();
        var generator = SeedGenerator();
        var clock = Stopwatch.StartNew();
        using var self = Process.GetCurrentProcess();
        var epochs = new Dictionary<bool, List<(double Rate, double CpuMicros)>> { [true] = [], [false] = [] };
        for (int epoch = 1; clock.Elapsed.TotalSeconds < seconds; epoch++)
        {
            bool disposing = alternate ? epoch % 2 == 0 : dispose;

            // CPU time per image is the steadier figure on a shared machine: it ignores time spent descheduled.
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var pause = GC.GetTotalPauseDuration();
            int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
            int poolCollections = generator.Buffers.Collections, poolFull = generator.Buffers.FullCollections, poolAllocations = generator.Buffers.Allocations;
            long faults = MinorFaults();
            var reclaim = generator.Buffers.ReclaimTime;
            var (s, images) = Ours(generator, x, y, c.Batch, epoch, prefetch, workers: workers, dispose: disposing, disposeLate: disposing ? disposeLate : 0);
            self.Refresh();
            double cpuMicros = (self.TotalProcessorTime - cpu).TotalMicroseconds / images;
            epochs[disposing].Add((images / s, cpuMicros));
            string mode = alternate ? disposing ? " disposed" : " idiom" : string.Empty;
            Console.WriteLine($"epoch {epoch}{mode}: {images / s:N0} img/s, {cpuMicros:F1} CPU us/img, GCs gen0/1/2 " +
                $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, GC pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F1} ms, " +
                $"pool collections {generator.Buffers.Collections - poolCollections} ({generator.Buffers.FullCollections - poolFull} full), new buffers {generator.Buffers.Allocations - poolAllocations}, " +
                $"page faults {MinorFaults() - faults}, reclaim {(generator.Buffers.ReclaimTime - reclaim).TotalMilliseconds:F1} ms of {s * 1000:F0} ms");
        }

        if (alternate && epochs[true].Count > 1 && epochs[false].Count > 1)
        {
            // The first epoch of each is warm-up (JIT tiers, first buffers): left out.
            var (idiomRate, idiomCpu) = Medians(epochs[false].Skip(1));
            var (disposedRate, disposedCpu) = Medians(epochs[true].Skip(1));
            Console.WriteLine($"medians over {epochs[false].Count - 1}+{epochs[true].Count - 1} epochs: idiom {idiomRate:N0} img/s, {idiomCpu:F2} CPU us/img; " +
                $"disposed{(disposeLate > 0 ? $" {disposeLate} batches late" : string.Empty)} {disposedRate:N0} img/s, {disposedCpu:F2} CPU us/img; " +
                $"idiom/disposed {idiomRate / disposedRate:F3}x img/s, {idiomCpu / disposedCpu:F3}x CPU per image");
        }

        return 0;
    }

    private static (double Rate, double CpuMicros) Medians(IEnumerable<(double Rate, double CpuMicros)> epochs)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        var all = epochs.ToArray();
        return (Median(all.Select(e => e.Rate)), Median(all.Select(e => e.CpuMicros)));
    }

    /// <summary>Minor page faults of this process so far (/proc/self/stat field 10), or 0 off Linux.</summary>
    private static long MinorFaults()
    {
        const string Path = "/proc/self/stat";
        if (!File.Exists(Path))
        {
            return 0;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        string stat = File.ReadAllText(Path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A kB figure from /proc/self/status (VmRSS, VmHWM), or -1 off Linux.</summary>
    public static long ProcStatusKb(string key)
    {
        const string Path = "/proc/self/status";
        if (!File.Exists(Path))
        {
            return -1;
        }

        foreach (string line in File.ReadLines(Path))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(key.Length + 1).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
