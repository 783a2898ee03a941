using System.Diagnostics;
using System.Globalization;
using ILGPU;
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
/// Throughput of the GPU executor against the device's own copy bandwidth and against the CPU engine.
/// Usage: KerasMemory.GpuBench [--device gpu|gpu:N|ilgpu-cpu] [--seconds S] [--quick].
/// Without a CUDA device it says so and still measures the CPU engine and, briefly, ILGPU's CPU accelerator.
/// </summary>
public static class Program
{
    private static readonly Workload[] Workloads =
    [
        new("64x64x3 float32", 64, 64, 3, NPTypeCode.Single, Images: 8192, BatchSize: 256),
        new("224x224x3 float32", 224, 224, 3, NPTypeCode.Single, Images: 1024, BatchSize: 64),
        new("32x32x3 uint8 x 50,000", 32, 32, 3, NPTypeCode.Byte, Images: 50_000, BatchSize: 512),
    ];

    /// <summary>Runs the benchmark; returns 0 on success.</summary>
    public static int Main(string[] args)
    {
        string? device = Option(args, "--device");
        double seconds = double.Parse(Option(args, "--seconds") ?? "3", CultureInfo.InvariantCulture);
        bool quick = args.Contains("--quick");
        KerasWarnings.WriteToStandardError = true;

        int cudaDevices = DeviceSelector.ProbedCudaDeviceCount;
        bool onGpu = device is not (null or "ilgpu-cpu") ? DeviceSpec.Parse(device).Kind is DeviceKind.Cuda or DeviceKind.Auto && cudaDevices > 0 : cudaDevices > 0;
        string gpuDevice = device is not (null or "ilgpu-cpu") && DeviceSpec.Parse(device).Kind == DeviceKind.Cuda ? DeviceSpec.Parse(device).ToString() : "cuda:0";
        Console.WriteLine($"KerasMemory GPU bench: {Environment.ProcessorCount} CPU cores, {cudaDevices} CUDA device(s)");
        if (!onGpu)
        {
            Console.WriteLine("no CUDA device: measuring the CPU engine and, briefly, the GPU kernels on ILGPU's CPU accelerator.");
        }

        Console.WriteLine("augmentation: rotation 15, shifts 0.1, zoom 0.1, horizontal flip, rescale 1/255, fill nearest, bilinear");
        Console.WriteLine();
        Console.WriteLine("| workload | path | img/s | GB/s | note |");
        Console.WriteLine("| --- | --- | ---: | ---: | --- |");
        foreach (var workload in Workloads)
        {
            var w = onGpu && !quick ? workload : workload.Shrunk(quick);
            using var x = w.MakeImages();
            if (onGpu)
            {
                MeasureKernel(w, x, gpuDevice, seconds, batches: int.MaxValue);
                MeasureEndToEnd(w, x, gpuDevice, seconds);
            }
            else
            {
                // The CPU accelerator runs the kernels as .NET code: a few small batches show it works, not speed.
                MeasureKernel(w with { BatchSize = 4 }, x, "ilgpu-cpu", seconds, batches: 2);
            }

            MeasureEndToEnd(w, x, "cpu", seconds);
        }

        return 0;
    }

    /// <summary>The kernels alone (no download), and a device-to-device copy of the bytes they move.</summary>
    private static void MeasureKernel(Workload w, NDArray x, string device, double seconds, int batches)
    {
        var generator = w.Generator();
        var images = ImageArray.Wrap(x, generator.Settings.DataFormat);
        var spec = device == "ilgpu-cpu" ? new DeviceSpec(DeviceKind.IlgpuCpu, 0) : DeviceSpec.Parse(device); // the kernels on ILGPU's CPU accelerator have no device name
        using var executor = new GpuAugmentationExecutor(GpuDevice.Acquire(spec));
        if (executor.Admit(images, w.BatchSize) != DatasetPlacement.Resident)
        {
            Console.WriteLine($"| {w.Name} | {device} kernel | - | - | dataset not resident, skipped |");
            return;
        }

        using var lane = new BatchLane(executor.Accelerator);
        var g = images.Geometry;
        long count = (long)w.BatchSize * g.Size;
        var output = lane.ReserveOutput(count);
        int batch = 0;
        AugmentationRequest Next() => Request(generator, images, w.BatchSize, batch++);

        executor.Run(Next(), lane, output); // compiles the kernels and uploads the dataset
        lane.Stream.Synchronize();
        var requests = Enumerable.Range(0, 16).Select(_ => Next()).ToArray();
        var clock = Stopwatch.StartNew();
        int done = 0;
        while (done < batches && (done == 0 || clock.Elapsed.TotalSeconds < seconds))
        {
            executor.Run(requests[done % requests.Length], lane, output);
            lane.Stream.Synchronize();
            done++;
        }

        double elapsed = clock.Elapsed.TotalSeconds;
        long moved = (count * images.Kind.Size()) + (count * sizeof(float)); // read the source, write float32
        double imagesPerSecond = done * w.BatchSize / elapsed;
        double gbPerSecond = done * moved / elapsed / 1e9;
        string note = $"{done} batches of {w.BatchSize}";
        if (spec.Kind == DeviceKind.Cuda)
        {
            double copy = CopyBandwidth(executor.Accelerator, moved / 2, seconds);
            note += $"; device copy of the same bytes: {copy:0.0} GB/s, kernel at {100 * gbPerSecond / copy:0}% of it";
        }

        Console.WriteLine($"| {w.Name} | {device} kernel | {imagesPerSecond:0} | {gbPerSecond:0.00} | {note} (GB/s of source read + float32 written) |");
    }

    /// <summary>next() with download into host NDArrays, prefetching two batches (so downloads overlap kernels).</summary>
    private static void MeasureEndToEnd(Workload w, NDArray x, string device, double seconds)
    {
        var generator = w.Generator();
        using var it = generator.flow(x, batch_size: w.BatchSize, shuffle: true, seed: 1, prefetch: 2, device: device);
        using (var warm = it.next())
        {
        }

        // At least a few batches past the prefetched ones, so the rate is not that of work done before the clock.
        var clock = Stopwatch.StartNew();
        long images = 0;
        while (images < 6L * w.BatchSize || clock.Elapsed.TotalSeconds < seconds)
        {
            using var batch = it.next();
            images += batch.Count;
        }

        double elapsed = clock.Elapsed.TotalSeconds;
        long bytes = images * w.Rows * w.Cols * w.Channels * sizeof(float);
        string how = it.device == "cpu" ? "next() into host NDArrays" : "next() incl. the download to host NDArrays";
        Console.WriteLine($"| {w.Name} | {it.device} end to end | {images / elapsed:0} | {bytes / elapsed / 1e9:0.00} | {how}, prefetch 2, {images} images (GB/s of float32 output) |");
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

    private sealed record Workload(string Name, int Rows, int Cols, int Channels, NPTypeCode Dtype, int Images, int BatchSize)
    {
        /// <summary>Fewer images where they only feed the CPU (the uint8 case keeps its 50,000: it is the point).</summary>
        public Workload Shrunk(bool quick) => Dtype == NPTypeCode.Byte && !quick
            ? this
            : this with { Images = Math.Max(BatchSize * 2, Images / (quick ? 64 : 8)) };

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
            long[] shape = [Images, Rows, Cols, Channels];
            int size = Images * Rows * Cols * Channels;
            if (Dtype == NPTypeCode.Byte)
            {
                var bytes = new byte[size];
                rng.NextBytes(bytes);
                return new NDArray(bytes, new Shape(shape));
            }

            var floats = new float[size];
            for (int i = 0; i < floats.Length; i++)
            {
                floats[i] = rng.NextSingle() * 255f;
            }

            return new NDArray(floats, new Shape(shape));
        }
    }
}
