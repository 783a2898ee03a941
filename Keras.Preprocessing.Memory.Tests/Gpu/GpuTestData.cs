using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>Small deterministic image batches and the CPU-versus-GPU-kernel comparison the GPU tests share.</summary>
internal static class GpuTestData
{
    /// <summary>
    /// The environment variable that picks the device of the GPU test classes: unset or "ilgpu-cpu" for ILGPU's
    /// CPU accelerator (the default, no GPU needed), "ilgpu-cpu:warp32" for the CPU accelerator with CUDA-shaped
    /// thread groups (warps of 32, 256 threads), or a CUDA device as flow() spells it ("gpu", "cuda:1").
    /// </summary>
    public const string DeviceVariable = "KERASMEMORY_TEST_DEVICE";

    private static readonly string Selected = Environment.GetEnvironmentVariable(DeviceVariable) is { Length: > 0 } value ? value.Trim() : "ilgpu-cpu";

    /// <summary>Whether the GPU tests run on ILGPU's CPU accelerator (else on a real CUDA device).</summary>
    public static bool OnCpuAccelerator => Selected.StartsWith("ilgpu-cpu", StringComparison.OrdinalIgnoreCase);

    /// <summary>The device a GPU test asks for; on the CPU accelerator, "gpu" redirected by <see cref="KernelOptions"/>.</summary>
    public static string KernelDevice => OnCpuAccelerator ? "gpu" : Selected;

    /// <summary>What an iterator on the selected device reports as its device.</summary>
    public static string KernelDeviceName => OnCpuAccelerator
        ? new DeviceSpec(DeviceKind.IlgpuCpu, CudaShaped ? DeviceSpec.CudaShapedCpu : 0).ToString()
        : DeviceSpec.Parse(Selected).ToString();

    /// <summary>Executor options for the selected device: the CPU accelerator's redirect, or the product's defaults.</summary>
    public static ExecutionOptions KernelOptions { get; } = OnCpuAccelerator
        ? new ExecutionOptions { GpuKernelsOnCpu = true, CudaShapedGroups = CudaShaped }
        : ExecutionOptions.Product;

    /// <summary>Executor options for ILGPU's CPU accelerator with CUDA-shaped groups, whatever the variable says.</summary>
    public static ExecutionOptions CudaShapedOptions { get; } = new() { GpuKernelsOnCpu = true, CudaShapedGroups = true };

    private static bool CudaShaped => Selected.Equals("ilgpu-cpu:warp32", StringComparison.OrdinalIgnoreCase);

    /// <summary>Makes <paramref name="generator"/>'s GPU devices run on the selected device; returns it.</summary>
    public static ImageDataGenerator OnKernels(this ImageDataGenerator generator)
    {
        generator.Execution = generator.Execution with
        {
            GpuKernelsOnCpu = KernelOptions.GpuKernelsOnCpu,
            CudaShapedGroups = KernelOptions.CudaShapedGroups,
            CudaDeviceCount = KernelOptions.CudaDeviceCount, // the real probe when the variable names a CUDA device
        };
        return generator;
    }

    /// <summary>
    /// Asserts the agreement a user may expect (docs/gpu.md): no gross error, and at most
    /// <see cref="FloatSteps.Expected"/> float steps at the batch's scale (or <paramref name="steps"/>).
    /// </summary>
    public static void AssertAgrees(Agreement agreement, string what, double steps = FloatSteps.Expected)
    {
        Assert.AreEqual(0, agreement.GrossErrors, $"{what}: {agreement}");
        Assert.IsLessThanOrEqualTo(steps, agreement.MaxSteps, $"{what}: {agreement}");
    }

    /// <summary>The float32 values of a batch.</summary>
    public static float[] Values(NDArray x) => Fixture.Floats(x);

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
    /// Runs the same flow on the CPU engine and on the selected GPU device and returns how far apart they are, in
    /// float steps, over <paramref name="batches"/> batches.
    /// </summary>
    public static Agreement AgreementWithCpu(ImageDataGenerator generator, NDArray x, int batchSize = 3, int batches = 1, NDArray? y = null)
    {
        using var cpu = generator.flow(x, y, batch_size: batchSize, shuffle: false, seed: 11, device: "cpu");
        using var gpu = generator.OnKernels().flow(x, y, batch_size: batchSize, shuffle: false, seed: 11, device: KernelDevice);
        Assert.AreEqual("cpu", cpu.device);
        Assert.AreEqual(KernelDeviceName, gpu.device);
        var agreement = default(Agreement);
        for (int i = 0; i < batches; i++)
        {
            using var expected = cpu.next();
            using var actual = gpu.next();
            agreement = agreement.Merge(FloatSteps.Compare(Values(expected.x), Values(actual.x)));
        }

        return agreement;
    }
}
