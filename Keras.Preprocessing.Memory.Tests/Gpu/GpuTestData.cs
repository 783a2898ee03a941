using Keras.Preprocessing.Memory.Execution;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>Small deterministic image batches and the CPU-versus-GPU-kernel comparison the GPU tests share.</summary>
internal static class GpuTestData
{
    /// <summary>The device a GPU test asks for; with <see cref="OnKernels"/> it runs on ILGPU's CPU accelerator.</summary>
    public const string KernelDevice = "gpu";

    /// <summary>What an iterator on the GPU kernels without a GPU reports as its device.</summary>
    public const string KernelDeviceName = "ilgpu-cpu";

    /// <summary>Executor options that run GPU devices on ILGPU's CPU accelerator: the GPU code path without a GPU.</summary>
    public static ExecutionOptions KernelOptions { get; } = new() { GpuKernelsOnCpu = true };

    /// <summary>Makes <paramref name="generator"/>'s GPU devices run the kernels on ILGPU's CPU accelerator; returns it.</summary>
    public static ImageDataGenerator OnKernels(this ImageDataGenerator generator)
    {
        generator.Execution = generator.Execution with { GpuKernelsOnCpu = true };
        return generator;
    }

    /// <summary>
    /// n images of rows × cols × channels (or channels first) with smooth structure plus noise, so warps move
    /// visible edges. <paramref name="top"/> is the largest value (255 for byte-range data, 1 for [0, 1] data).
    /// </summary>
    public static NDArray Images(string dtype, int n, int channels, bool channelsFirst = false, float top = 255, int rows = 12, int cols = 17, int seed = 1)
    {
        var rng = new Random(seed);
        var values = new float[n * rows * cols * channels];
        for (int s = 0; s < n; s++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    for (int ch = 0; ch < channels; ch++)
                    {
                        double smooth = 0.5 + (0.3 * Math.Sin((r * 0.7) + (c * 0.4) + ch + s));
                        float v = (float)Math.Clamp(smooth + (0.2 * (rng.NextDouble() - 0.5)), 0, 1) * top;
                        int at = channelsFirst
                            ? (((((s * channels) + ch) * rows) + r) * cols) + c
                            : (((((s * rows) + r) * cols) + c) * channels) + ch;
                        values[at] = dtype == "float32" || dtype == "float64" ? v : MathF.Round(v);
                    }
                }
            }
        }

        long[] shape = channelsFirst ? [n, channels, rows, cols] : [n, rows, cols, channels];
        using var floats = new NDArray(values, new Shape(shape));
        return dtype switch
        {
            "uint8" => floats.astype(NPTypeCode.Byte),
            "uint16" => floats.astype(NPTypeCode.UInt16),
            "int16" => floats.astype(NPTypeCode.Int16),
            "int32" => floats.astype(NPTypeCode.Int32),
            "float64" => floats.astype(NPTypeCode.Double),
            _ => floats.copy(),
        };
    }

    /// <summary>
    /// Runs the same flow on the CPU engine and on the GPU kernels (ILGPU's CPU accelerator) and returns the
    /// largest absolute difference over <paramref name="batches"/> batches.
    /// </summary>
    public static double MaxDifferenceFromCpu(ImageDataGenerator generator, NDArray x, int batchSize = 3, int batches = 1, NDArray? y = null)
    {
        using var cpu = generator.flow(x, y, batch_size: batchSize, shuffle: false, seed: 11, device: "cpu");
        using var gpu = generator.OnKernels().flow(x, y, batch_size: batchSize, shuffle: false, seed: 11, device: KernelDevice);
        Assert.AreEqual("cpu", cpu.device);
        Assert.AreEqual(KernelDeviceName, gpu.device);
        double worst = 0;
        for (int i = 0; i < batches; i++)
        {
            using var expected = cpu.next();
            using var actual = gpu.next();
            worst = Math.Max(worst, Fixture.MaxAbsDiff(actual.x, expected.x));
        }

        return worst;
    }
}
