using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// Pins every test that does not choose a device to the CPU engine: "auto" acts as on a machine without a GPU
/// (a GPU test chooses its device with <see cref="GpuTestData.OnKernels"/> or <see cref="GpuTestData.KernelOptions"/>,
/// which <see cref="GpuTestData.DeviceVariable"/> may point at a real CUDA device).
/// Devices stay in the process-wide cache (context and compiled kernels) across iterators, so the test run makes
/// each once; at the end of the run the unused ones are disposed, which also stops the CPU accelerator's threads.
/// </summary>
[TestClass]
public sealed class KernelDeviceLifetime
{
    [AssemblyInitialize]
    public static void PinUnchosenDevicesToTheCpu(TestContext context) => ExecutionOptions.Default = new ExecutionOptions { CudaDeviceCount = 0 };

    [AssemblyCleanup]
    public static void ReleaseCachedDevices() => GpuDevice.ReleaseUnused();
}
