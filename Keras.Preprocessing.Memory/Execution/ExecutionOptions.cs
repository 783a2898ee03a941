namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// How executors are chosen and built, beyond the user's <c>device</c>/<c>workers</c> arguments. The defaults are
/// the product's; tests pass other values (through <c>ImageDataGenerator.Execution</c>) instead of flipping
/// process-wide switches, so test classes that use them can run in parallel.
/// </summary>
internal sealed record ExecutionOptions
{
    /// <summary>The product's options: probe CUDA, plan for the device's memory, use every vector width the CPU has.</summary>
    public static ExecutionOptions Product { get; } = new();

    /// <summary>
    /// The options a new generator starts with: <see cref="Product"/>. The test assembly replaces them once, before
    /// any test runs, with options that act as a machine without a GPU, so a test that does not choose a device
    /// runs on the CPU engine on every machine ("auto" would otherwise move it to a GPU where there is one); the
    /// GPU tests choose theirs through their generator's options.
    /// </summary>
    public static ExecutionOptions Default { get; internal set; } = Product;

    /// <summary>Replaces the probed CUDA device count (e.g. 0 to act as a machine without a GPU); null: probe.</summary>
    public int? CudaDeviceCount { get; init; }

    /// <summary>Device bytes a GPU executor may plan for; null: the device's memory less a margin.</summary>
    public long? GpuMemoryBudget { get; init; }

    /// <summary>
    /// Device bytes each of a GPU executor's lanes may hold before its allocations fail as the driver's would (to
    /// test the fallback when memory runs out after planning); null: no limit.
    /// </summary>
    public long? GpuLaneBytesLimit { get; init; }

    /// <summary>
    /// Runs what asks for a GPU ("gpu", "cuda:N", or "auto") on ILGPU's CPU accelerator: the GPU kernels without
    /// a GPU. The iterator then reports the device "ilgpu-cpu".
    /// </summary>
    public bool GpuKernelsOnCpu { get; init; }

    /// <summary>With <see cref="GpuKernelsOnCpu"/>: thread groups shaped as CUDA's (warps of 32, 256 threads), the configuration hardware runs.</summary>
    public bool CudaShapedGroups { get; init; }

    /// <summary>With <see cref="CudaDeviceCount"/> 0: acts as a machine whose CUDA driver failed for this reason (null: no device).</summary>
    public string? CudaProbeFailure { get; init; }

    /// <summary>Whether the CPU engine may use AVX-512 where the CPU has it (tests turn it off to cover the narrower paths).</summary>
    public bool WideVectors { get; init; } = true;
}
