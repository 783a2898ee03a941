using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// Pins every test that does not choose a device to the CPU engine: "auto" acts as on a machine without a GPU
/// (a GPU test chooses its device with <see cref="GpuTestData.OnKernels"/> or <see cref="GpuTestData.KernelOptions"/>,
/// which <see cref="GpuTestData.DeviceVariable"/> may point at a real CUDA device).
/// Devices stay in the process-wide cache (context and compiled kernels) across iterators, so the test run makes
/// each once; at the end of the run the unused ones are disposed, which also stops the CPU accelerator's threads.
/// Device buffers are poisoned for the whole run (<see cref="DeviceMemoryPoison"/>).
/// </summary>
[TestClass]
public sealed class KernelDeviceLifetime
{
    [AssemblyInitialize]
    public static void PinUnchosenDevicesToTheCpu(TestContext context)
    {
        ExecutionOptions.Default = new ExecutionOptions { CudaDeviceCount = 0 };

        // Device memory is garbage on CUDA; every GPU test runs with its batch buffers filled with NaNs, so a
        // kernel reading what no step wrote fails here and not first on hardware.
        DeviceMemoryPoison.Enabled = true;
    }

    [AssemblyCleanup]
    public static void ReleaseCachedDevices() => GpuDevice.ReleaseUnused();
}
