using ILGPU;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// Turns a <c>device</c> argument into an executor, as TensorFlow places ops: "auto" takes the first CUDA GPU
/// when there is one and the CPU engine otherwise; a named GPU that is missing is an error, never a silent CPU run.
/// </summary>
internal static class DeviceSelector
{
    private static readonly Lazy<int> ProbedCudaDevices = new(ProbeCudaDevices);

    /// <summary>Tests only: replaces the CUDA device count (e.g. 0 to act as a machine without a GPU).</summary>
    internal static int? CudaDeviceCountOverride { get; set; }

    /// <summary>Tests only: the device bytes a GPU executor may plan for, instead of the device's memory less a margin.</summary>
    internal static long? MemoryBudgetOverride { get; set; }

    /// <summary>How many CUDA devices ILGPU sees (0 without a driver); probed once per process.</summary>
    public static int CudaDeviceCount => CudaDeviceCountOverride ?? ProbedCudaDevices.Value;

    /// <summary>
    /// The executor for <paramref name="spec"/>, planned for <paramref name="images"/> in batches of
    /// <paramref name="batchSize"/>. A GPU that cannot hold even one batch gives the CPU engine (with a warning).
    /// </summary>
    public static IAugmentationExecutor Create(DeviceSpec spec, ImageArray images, int batchSize, int workers)
    {
        if (!DynamicCode.AllowsGpu(spec))
        {
            return new CpuAugmentationEngine(workers);
        }

        switch (spec.Kind)
        {
            case DeviceKind.Cpu:
                return new CpuAugmentationEngine(workers);
            case DeviceKind.Auto:
                if (CudaDeviceCount == 0)
                {
                    return new CpuAugmentationEngine(workers);
                }

                try
                {
                    return OnDevice(new DeviceSpec(DeviceKind.Cuda, 0), images, batchSize, workers);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // "auto" promises a result: a GPU that fails to start leaves the CPU, said aloud.
                    KerasWarnings.Warn($"device \"auto\": the CUDA GPU could not be used ({e.Message}); augmenting on the CPU.");
                    return new CpuAugmentationEngine(workers);
                }

            case DeviceKind.Cuda:
                int count = CudaDeviceCount;
                if (spec.Index >= count)
                {
                    throw new InvalidOperationException(count == 0
                        ? $"`device` \"{spec}\" asks for a CUDA GPU, but none is available (ILGPU found no CUDA device: no NVIDIA GPU or driver). " +
                          "Use device=\"auto\" to fall back to the CPU, or device=\"cpu\"."
                        : $"`device` \"{spec}\" asks for CUDA device {spec.Index}, but only {count} CUDA device(s) are available (cuda:0 to cuda:{count - 1}).");
                }

                return OnDevice(spec, images, batchSize, workers);
            default:
                return OnDevice(spec, images, batchSize, workers);
        }
    }

    private static IAugmentationExecutor OnDevice(DeviceSpec spec, ImageArray images, int batchSize, int workers)
    {
        var executor = new GpuAugmentationExecutor(GpuDevice.Acquire(spec), workers, MemoryBudgetOverride);
        if (executor.Admit(images, batchSize) != DatasetPlacement.Host)
        {
            return executor;
        }

        executor.Dispose();
        return new CpuAugmentationEngine(workers);
    }

    private static int ProbeCudaDevices()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            return context.GetCudaDevices().Count;
        }
        catch (Exception)
        {
            // No driver library, or a driver ILGPU cannot use (too old, broken install): no usable GPU, so "auto"
            // means the CPU and a named GPU fails with Create's message naming the device.
            return 0;
        }
    }
}
