using ILGPU;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Devices;

/// <summary>
/// Turns a <c>device</c> argument into an executor (the one seam iterators know, <see cref="IAugmentationExecutor"/>),
/// as TensorFlow places ops: "auto" takes the first CUDA GPU when there is one and the CPU engine otherwise; a
/// named GPU that is missing is an error, never a silent CPU run.
/// </summary>
internal static class DeviceSelector
{
    private static readonly Lazy<CudaProbe> ProbedCuda = new(ProbeCuda);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> WarnedFailures = new();

    /// <summary>How many CUDA devices ILGPU can use (0 without a driver, or when the probe failed); probed once per process.</summary>
    public static int ProbedCudaDeviceCount => ProbedCuda.Value.Count;

    /// <summary>Why CUDA could not be probed when a driver is there but failed (null when it worked or there is no driver: "no device").</summary>
    public static string? ProbeFailure => ProbedCuda.Value.Failure;

    /// <summary>
    /// The executor for <paramref name="spec"/>, planned for <paramref name="images"/> in batches of
    /// <paramref name="batchSize"/>. A GPU that cannot hold even one batch gives the CPU engine (with a warning).
    /// </summary>
    /// <param name="spec">The parsed <c>device</c>.</param>
    /// <param name="images">The array the executor will augment.</param>
    /// <param name="batchSize">Its batch size.</param>
    /// <param name="workers">Host threads.</param>
    /// <param name="options">Test seams; null: the product's.</param>
    /// <param name="shardIndex">The iterator's shard (<c>shard_index</c>): "auto" puts shard i on GPU i modulo the visible GPUs.</param>
    /// <param name="fillMode">The generator's fill mode: the GPU's warp kernel is specialised per mode and compiled here.</param>
    /// <param name="interpolationOrder">The generator's spline order (2-5 compile the spline kernels instead).</param>
    public static IAugmentationExecutor Create(
        DeviceSpec spec, ImageArray images, int batchSize, int workers, ExecutionOptions? options = null, int shardIndex = 0,
        FillMode fillMode = FillMode.Nearest, int interpolationOrder = 1)
    {
        options ??= ExecutionOptions.Default;
        if (!DynamicCode.AllowsGpu(spec))
        {
            return CreateCpu(workers, options);
        }

        switch (spec.Kind)
        {
            case DeviceKind.Cpu:
                return CreateCpu(workers, options);
            case DeviceKind.Auto:
                int visible = CountCudaDevices(options);
                if (visible == 0)
                {
                    if (Failure(options) is { } failure && WarnedFailures.TryAdd(failure, true))
                    {
                        KerasWarnings.Warn($"device \"auto\": augmenting on the CPU because CUDA could not be used: {failure}.");
                    }

                    return CreateCpu(workers, options);
                }

                var gpu = AutoDevice(shardIndex, visible);
                try
                {
                    return CreateOnDevice(gpu, images, batchSize, workers, options, fillMode, interpolationOrder);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // "auto" promises a result: a GPU that fails to start leaves the CPU, said aloud.
                    KerasWarnings.Warn($"device \"auto\": {gpu} could not be used ({Describe(e)}); augmenting on the CPU.");
                    return CreateCpu(workers, options);
                }

            case DeviceKind.Cuda:
                int count = CountCudaDevices(options);
                if (spec.Index >= count)
                {
                    throw new InvalidOperationException(count == 0
                        ? Failure(options) is { } failure
                            ? $"`device` \"{spec}\" asks for a CUDA GPU, but CUDA could not be used: {failure}. Use device=\"auto\" to fall back to the CPU, or device=\"cpu\"."
                            : $"`device` \"{spec}\" asks for a CUDA GPU, but none is available (ILGPU found no CUDA device: no NVIDIA GPU or driver). " +
                              "Use device=\"auto\" to fall back to the CPU, or device=\"cpu\"."
                        : $"`device` \"{spec}\" asks for CUDA device {spec.Index}, but only {count} CUDA device(s) are available (cuda:0 to cuda:{count - 1}).");
                }

                try
                {
                    return CreateOnDevice(spec, images, batchSize, workers, options, fillMode, interpolationOrder);
                }
                catch (Exception e) when (e is not (OutOfMemoryException or InvalidOperationException))
                {
                    throw new InvalidOperationException($"`device` \"{spec}\" could not be started: {Describe(e)}.", e);
                }
            default:
                return CreateOnDevice(spec, images, batchSize, workers, options, fillMode, interpolationOrder);
        }
    }

    /// <summary>The CPU engine, for a file iterator without a decoded cache or a GPU that cannot hold a batch.</summary>
    public static IAugmentationExecutor CreateCpu(int workers, ExecutionOptions? options = null) =>
        new CpuAugmentationEngine(workers, (options ?? ExecutionOptions.Default).WideVectors);

    /// <summary>The GPU "auto" gives shard <paramref name="shardIndex"/>: data-parallel shards spread over the visible GPUs, shard i on GPU i mod count.</summary>
    internal static DeviceSpec AutoDevice(int shardIndex, int visible) => new(DeviceKind.Cuda, Math.Abs(shardIndex) % Math.Max(1, visible));

    private static int CountCudaDevices(ExecutionOptions options) =>
        options.GpuKernelsOnCpu ? 1 : options.CudaDeviceCount ?? ProbedCudaDeviceCount;

    private static string? Failure(ExecutionOptions options) =>
        options.GpuKernelsOnCpu ? null : options.CudaProbeFailure ?? (options.CudaDeviceCount is null ? ProbeFailure : null);

    /// <summary>An exception's type and message, and its inner one's (ILGPU wraps the driver's error).</summary>
    private static string Describe(Exception e) =>
        e.InnerException is { } inner ? $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})" : $"{e.GetType().Name}: {e.Message}";

    private static IAugmentationExecutor CreateOnDevice(
        DeviceSpec spec, ImageArray images, int batchSize, int workers, ExecutionOptions options, FillMode fillMode, int interpolationOrder)
    {
        if (options.GpuKernelsOnCpu)
        {
            spec = new DeviceSpec(DeviceKind.IlgpuCpu, options.CudaShapedGroups ? DeviceSpec.CudaShapedCpu : 0);
        }

        var device = GpuDevice.Acquire(spec);

        // Copies other arrays' iterators left behind make room for this one (its own, if cached, is reused).
        GpuAugmentationExecutor executor;
        try
        {
            using (DeviceContextScope.Enter(device.Accelerator))
            {
                device.Datasets.ReleaseUnusedExcept(images);
            }

            executor = new GpuAugmentationExecutor(device, workers, options.GpuMemoryBudget, options.GpuLaneBytesLimit);
        }
        catch
        {
            device.Release();
            throw;
        }

        try
        {
            if (executor.Admit(images, batchSize, fillMode, interpolationOrder) != DatasetPlacement.Host)
            {
                executor.CompileKernels(images, fillMode, interpolationOrder); // here, so a driver that cannot load them fails at flow()
                return executor;
            }
        }
        catch
        {
            executor.Dispose();
            throw;
        }

        executor.Dispose();
        return CreateCpu(workers, options);
    }

    /// <summary>
    /// Asks the driver, then ILGPU. No driver library or CUDA_ERROR_NO_DEVICE means no device, said by nobody; any
    /// other failure (a driver too old, a broken install, a driver ILGPU cannot bind to, devices ILGPU cannot
    /// compile for) is kept, so "auto" warns and "gpu" throws with it.
    /// </summary>
    private static CudaProbe ProbeCuda()
    {
        int driverCount;
        try
        {
            CudaDriver.LetIlgpuFindTheDriver(); // before ILGPU binds its CUDA API, which it does once
            int init = CudaDriver.Init();
            if (init == (int)CudaError.CUDA_ERROR_NO_DEVICE)
            {
                return new CudaProbe(0, null);
            }

            if (init != (int)CudaError.CUDA_SUCCESS)
            {
                return new CudaProbe(0, $"the driver's cuInit failed with {(CudaError)init}");
            }

            // The driver is there and works: from here on, anything ILGPU cannot do is a failure to report.
            var api = CudaAPI.CurrentAPI;
            if (!api.IsSupported)
            {
                return new CudaProbe(0, $"the driver library loads ({string.Join(" or ", CudaDriver.LibraryNames)}), but ILGPU could not bind its CUDA API to it");
            }

            var counted = api.GetDeviceCount(out driverCount);
            if (counted != CudaError.CUDA_SUCCESS)
            {
                return new CudaProbe(0, $"the driver's cuDeviceGetCount failed with {counted}");
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new CudaProbe(0, null); // no NVIDIA driver on this machine
        }
        catch (Exception e)
        {
            return new CudaProbe(0, $"ILGPU could not load the CUDA driver API ({e.GetType().Name}: {e.Message})");
        }

        if (driverCount == 0)
        {
            return new CudaProbe(0, null);
        }

        try
        {
            int usable = GpuDevice.CudaContext.GetCudaDevices().Count;
            return usable > 0
                ? new CudaProbe(usable, null)
                : new CudaProbe(0, $"the driver reports {driverCount} CUDA device(s), but ILGPU cannot use any of them (an architecture or driver version it does not support)");
        }
        catch (Exception e)
        {
            return new CudaProbe(0, $"ILGPU could not open CUDA ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>What the probe found: usable devices, and why there are none when that is not simply "no device".</summary>
    private readonly record struct CudaProbe(int Count, string? Failure);
}
