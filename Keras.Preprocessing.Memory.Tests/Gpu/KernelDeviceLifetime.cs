using Keras.Preprocessing.Memory.Gpu;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// Devices stay in the process-wide cache (context and compiled kernels) across iterators, so the test run makes
/// each once; at the end of the run the unused ones are disposed, which also stops the CPU accelerator's threads.
/// </summary>
[TestClass]
public sealed class KernelDeviceLifetime
{
    [AssemblyCleanup]
    public static void ReleaseCachedDevices() => GpuDevice.ReleaseUnused();
}
