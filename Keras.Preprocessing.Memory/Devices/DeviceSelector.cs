using ILGPU;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Devices;

/// <summary>
/// Turns a <c>device</c> argument into an executor (the one seam iterators know, <see cref="IAugmentationExecutor"/>),
/// as TensorFlow places ops: "auto" takes the first CUDA GPU when there is one and the CPU engine otherwise; a
/// named GPU that is missing is an error, never a silent CPU run.
/// </summary>
internal static class DeviceSelector
{
    private static readonly Lazy<int> ProbedCudaDevices = new(ProbeCudaDevices);

    /// <summary>How many CUDA devices ILGPU sees (0 without a driver); probed once per process.</summary>
    public static int ProbedCudaDeviceCount => ProbedCudaDevices.Value;

    /// <summary>
    /// The executor for <paramref name="spec"/>, planned for <paramref name="images"/> in batches of
    /// <paramref name="batchSize"/>. A GPU that cannot hold even one batch gives the CPU engine (with a warning).
    /// </summary>
    public static IAugmentationExecutor Create(DeviceSpec spec, ImageArray images, int batchSize, int workers, ExecutionOptions? options = null)
    {
        options ??= ExecutionOptions.Default;
        switch (spec.Kind)
        {
            case DeviceKind.Cpu:
                return CreateCpu(workers, options);
            case DeviceKind.Auto:
                if (CountCudaDevices(options) == 0)
                {
                    return CreateCpu(workers, options);
                }

                try
                {
                    return CreateOnDevice(new DeviceSpec(DeviceKind.Cuda, 0), images, batchSize, workers, options);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // "auto" promises a result: a GPU that fails to start leaves the CPU, said aloud.
                    KerasWarnings.Warn($"device \"auto\": the CUDA GPU could not be used ({e.Message}); augmenting on the CPU.");
                    return CreateCpu(workers, options);
                }

            case DeviceKind.Cuda:
                int count = CountCudaDevices(options);
                if (spec.Index >= count)
                {
                    throw new InvalidOperationException(count == 0
                        ? $"`device` \"{spec}\" asks for a CUDA GPU, but none is available (ILGPU found no CUDA device: no NVIDIA GPU or driver). " +
                          "Use device=\"auto\" to fall back to the CPU, or device=\"cpu\"."
                        : $"`device` \"{spec}\" asks for CUDA device {spec.Index}, but only {count} CUDA device(s) are available (cuda:0 to cuda:{count - 1}).");
                }

                return CreateOnDevice(spec, images, batchSize, workers, options);
            default:
                return CreateOnDevice(spec, images, batchSize, workers, options);
        }
    }

    /// <summary>The CPU engine, for a file iterator without a decoded cache or a GPU that cannot hold a batch.</summary>
    public static IAugmentationExecutor CreateCpu(int workers, ExecutionOptions? options = null) =>
        new CpuAugmentationEngine(workers, (options ?? ExecutionOptions.Default).WideVectors);

    private static int CountCudaDevices(ExecutionOptions options) =>
        options.GpuKernelsOnCpu ? 1 : options.CudaDeviceCount ?? ProbedCudaDeviceCount;

    private static IAugmentationExecutor CreateOnDevice(DeviceSpec spec, ImageArray images, int batchSize, int workers, ExecutionOptions options)
    {
        if (options.GpuKernelsOnCpu)
        {
            spec = new DeviceSpec(DeviceKind.IlgpuCpu, 0);
        }

        var executor = new GpuAugmentationExecutor(GpuDevice.Acquire(spec), workers, options.GpuMemoryBudget);
        if (executor.Admit(images, batchSize) != DatasetPlacement.Host)
        {
            return executor;
        }

        executor.Dispose();
        return CreateCpu(workers, options);
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
