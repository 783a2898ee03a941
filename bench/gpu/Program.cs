using System.Diagnostics;
using System.Globalization;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory;
using Keras.Preprocessing.Memory.Devices;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace KerasMemory.GpuBench;

/// <summary>
/// The device check, one self-contained run: (a) agreement of the GPU with the CPU engine through the public API
/// (<see cref="AgreementCheck"/>), (b) throughput of the kernels alone, <c>next()</c>, <c>next_on_device()</c> and
/// the CPU engine at 64² and 224² (batch 32), and (c) one summary line.
/// Usage: KerasMemory.GpuBench [--device gpu|gpu:N] [--seconds S] [--quick].
/// Without a CUDA device it says "no CUDA device", checks agreement on ILGPU's CPU accelerator (the same kernels,
/// run as .NET code: correctness, not speed) and measures only the CPU engine.
/// </summary>
public static class Program
{
    private static readonly Workload[] Workloads =
    [
        new("64x64x3 float32", 64, Images: 2048),
        new("224x224x3 float32", 224, Images: 512),
    ];

    /// <summary>Runs the check; returns 0 when every configuration ran and agreed (no gross error), 1 otherwise.</summary>
    public static int Main(string[] args)
    {
        string device = Option(args, "--device") ?? "gpu";
        double seconds = double.Parse(Option(args, "--seconds") ?? "3", CultureInfo.InvariantCulture);
        bool quick = args.Contains("--quick");
        KerasWarnings.WriteToStandardError = true;

        int cudaDevices = DeviceSelector.ProbedCudaDeviceCount;
        bool onGpu = cudaDevices > 0;
        Console.WriteLine($"KerasMemory GPU device check: {Environment.ProcessorCount} CPU cores, {cudaDevices} CUDA device(s)");
        if (!onGpu)
        {
            Console.WriteLine(DeviceSelector.ProbeFailure is { } why
                ? $"no CUDA device: CUDA could not be used ({why})."
                : "no CUDA device: no NVIDIA GPU or driver.");
            Console.WriteLine("Agreement runs on ILGPU's CPU accelerator (the same kernels, as .NET code); only the CPU engine is timed.");
        }

        string gpuName = onGpu ? GpuName(device) : "none";
        Console.WriteLine($"GPU: {gpuName}");

        // (a) Agreement.
        var options = onGpu ? null : new ExecutionOptions { GpuKernelsOnCpu = true };
        var rows = AgreementCheck.Run(device, size: onGpu && !quick ? 96 : 24, batches: onGpu ? 3 : 1, options: options);
        Console.WriteLine();
        Console.WriteLine($"| configuration ({(onGpu ? device : "ilgpu-cpu")} vs cpu) | max float steps | gross errors |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var row in rows)
        {
            Console.WriteLine(row.Agreement is { } a
                ? $"| {row.Configuration} | {a.MaxSteps:0.##} | {a.GrossErrors} |"
                : $"| {row.Configuration} | - | {row.Skipped} |");
        }

        var total = AgreementCheck.Total(rows);
        int ran = rows.Count(r => r.Agreement is not null);
        int failed = rows.Count(r => r.Failed);

        // (b) Throughput.
        Console.WriteLine();
        Console.WriteLine("augmentation: rotation 15, shifts 0.1, zoom 0.1, horizontal flip, rescale 1/255, fill nearest, bilinear; batch 32, prefetch 2");
        Console.WriteLine("| workload | path | img/s | GB/s | note |");
        Console.WriteLine("| --- | --- | ---: | ---: | --- |");
        var summary = new List<string>();
        foreach (var workload in Workloads)
        {
            var w = onGpu && !quick ? workload : workload with { Images = 64 };
            using var x = w.MakeImages();
            double cpu = MeasureEndToEnd(w, x, "cpu", onGpu ? seconds : Math.Min(seconds, 1), nextOnDevice: false);
            if (onGpu)
            {
                double kernel = MeasureKernel(w, x, device, seconds);
                double next = MeasureEndToEnd(w, x, device, seconds, nextOnDevice: false);
                double kept = MeasureEndToEnd(w, x, device, seconds, nextOnDevice: true);
                summary.Add($"{w.Size}²: kernel {kernel:0} img/s, next_on_device {kept:0} ({kept / cpu:0.0}x cpu), next {next:0} ({next / cpu:0.0}x cpu), cpu {cpu:0}");
            }
            else
            {
                summary.Add($"{w.Size}²: cpu {cpu:0} img/s");
            }
        }

        // (c) One line.
        Console.WriteLine();
        Console.WriteLine(
            $"SUMMARY gpu=\"{gpuName}\" agreement: {ran} configurations on {(onGpu ? device : "ilgpu-cpu")}, max {total.MaxSteps:0.##} float steps, {total.GrossErrors} gross errors, {failed} failed; "
            + string.Join("; ", summary));
        return total.GrossErrors == 0 && failed == 0 ? 0 : 1;
    }

    private static string GpuName(string device)
    {
        var spec = DeviceSpec.Parse(device);
        var gpu = GpuDevice.Acquire(spec.Kind == DeviceKind.Cuda ? spec : new DeviceSpec(DeviceKind.Cuda, 0));
        try
        {
            return gpu.Accelerator.Name;
        }
        finally
        {
            gpu.Release();
        }
    }

    /// <summary>The kernels alone (plan upload and kernels, no download), against a device copy of the same bytes.</summary>
    private static double MeasureKernel(Workload w, NDArray x, string device, double seconds)
    {
        var generator = w.Generator();
        var images = ImageArray.Wrap(x, generator.Settings.DataFormat);
        var spec = DeviceSpec.Parse(device);
        using var executor = new GpuAugmentationExecutor(GpuDevice.Acquire(spec));
        if (executor.Admit(images, Workload.BatchSize, generator.Settings.FillMode, generator.Settings.InterpolationOrder) != DatasetPlacement.Resident)
        {
            Console.WriteLine($"| {w.Name} | {device} kernel | - | - | dataset not resident, skipped |");
            return 0;
        }

        // This drives the executor's internals directly, so it holds the device's CUDA context itself, as the
        // executor's own entry points do (each puts the thread's previous context back when it returns).
        using var context = DeviceContextScope.Enter(executor.Accelerator);
        using var lane = new BatchLane(executor.Accelerator);
        var g = images.Geometry;
        long count = (long)Workload.BatchSize * g.Size;
        var output = lane.ReserveOutput(count);
        int batch = 0;
        AugmentationRequest Next() => Request(generator, images, Workload.BatchSize, batch++);

        executor.Run(Next(), lane, output); // compiles the kernels and uploads the dataset
        lane.Stream.Synchronize();
        var requests = Enumerable.Range(0, 16).Select(_ => Next()).ToArray();
        var clock = Stopwatch.StartNew();
        int done = 0;
        while (done < 8 || clock.Elapsed.TotalSeconds < seconds)
        {
            executor.Run(requests[done % requests.Length], lane, output);
            lane.Stream.Synchronize();
            done++;
        }

        double elapsed = clock.Elapsed.TotalSeconds;
        long moved = (count * images.Kind.Size()) + (count * sizeof(float)); // read the source, write float32
        double imagesPerSecond = done * Workload.BatchSize / elapsed;
        double gbPerSecond = done * moved / elapsed / 1e9;
        double copy = CopyBandwidth(executor.Accelerator, moved / 2, seconds);
        Console.WriteLine($"| {w.Name} | {device} kernel | {imagesPerSecond:0} | {gbPerSecond:0.00} | {done} batches; device copy of the same bytes {copy:0.0} GB/s, kernel at {100 * gbPerSecond / copy:0}% of it (source read + float32 written) |");
        return imagesPerSecond;
    }

    /// <summary>next() into host NDArrays, or next_on_device() (disposed at once), prefetching two batches.</summary>
    private static double MeasureEndToEnd(Workload w, NDArray x, string device, double seconds, bool nextOnDevice)
    {
        var generator = w.Generator();
        using var it = generator.flow(x, batch_size: Workload.BatchSize, shuffle: true, seed: 1, prefetch: 2, device: device);
        using (var warm = it.next())
        {
        }

        // At least a few batches past the prefetched ones, so the rate is not that of work done before the clock.
        var clock = Stopwatch.StartNew();
        long images = 0;
        while (images < 6L * Workload.BatchSize || clock.Elapsed.TotalSeconds < seconds)
        {
            if (nextOnDevice)
            {
                using var batch = it.next_on_device();
                images += batch.index_array.Length;
            }
            else
            {
                using var batch = it.next();
                images += batch.Count;
            }
        }

        double elapsed = clock.Elapsed.TotalSeconds;
        long bytes = images * w.Size * w.Size * 3 * sizeof(float);
        string how = nextOnDevice ? "next_on_device(), batch left on the GPU"
            : it.device == "cpu" ? "next() into host NDArrays (CPU engine)" : "next() incl. the download to host NDArrays";
        string path = nextOnDevice ? $"{it.device} next_on_device" : $"{it.device} next";
        Console.WriteLine($"| {w.Name} | {path} | {images / elapsed:0} | {bytes / elapsed / 1e9:0.00} | {how}, {images} images (GB/s of float32 output) |");
        return images / elapsed;
    }

    /// <summary>Device-to-device copy rate, counting bytes read plus bytes written as the kernel figure does.</summary>
    private static double CopyBandwidth(Accelerator accelerator, long bytes, double seconds)
    {
        using var from = accelerator.Allocate1D<byte>(bytes);
        using var to = accelerator.Allocate1D<byte>(bytes);
        from.View.CopyTo(to.View);
        accelerator.Synchronize();
        var clock = Stopwatch.StartNew();
        int copies = 0;
        while (copies == 0 || clock.Elapsed.TotalSeconds < seconds / 2)
        {
            from.View.CopyTo(to.View);
            accelerator.Synchronize();
            copies++;
        }

        return 2.0 * bytes * copies / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static AugmentationRequest Request(ImageDataGenerator generator, ImageArray images, int batchSize, int batch)
    {
        var g = images.Geometry;
        var plans = new SamplePlan[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            int source = ((batch * batchSize) + i) % images.Count;
            var rng = SampleRandom.For(1, RandomStream.Transform, batch, source);
            plans[i] = SamplePlan.Create(source, RandomTransformSampler.Sample(generator.Settings, g.Rows, g.Cols, ref rng), g.Rows, g.Cols);
        }

        return new AugmentationRequest
        {
            Source = images,
            Plans = plans,
            FillMode = generator.Settings.FillMode,
            Cval = (float)generator.Settings.Cval,
            InterpolationOrder = generator.Settings.InterpolationOrder,
            Standardization = generator.CurrentStandardization(g),
        };
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private sealed record Workload(string Name, int Size, int Images)
    {
        public const int BatchSize = 32;

        public ImageDataGenerator Generator() => new(
            rotation_range: 15,
            width_shift_range: 0.1,
            height_shift_range: 0.1,
            zoom_range: 0.1,
            horizontal_flip: true,
            rescale: 1.0 / 255);

        public NDArray MakeImages()
        {
            var rng = new Random(1);
            var floats = new float[Images * Size * Size * 3];
            for (int i = 0; i < floats.Length; i++)
            {
                floats[i] = rng.NextSingle() * 255f;
            }

            return new NDArray(floats, new Shape(Images, Size, Size, 3));
        }
    }
}
