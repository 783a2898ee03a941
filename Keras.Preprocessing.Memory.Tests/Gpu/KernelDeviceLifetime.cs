using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// Holds one share of the "ilgpu-cpu" device for the whole run, so its context and compiled kernels are made
/// once rather than by every test whose iterator is the device's only user.
/// </summary>
[TestClass]
public sealed class KernelDeviceLifetime
{
    private static GpuDevice? _held;

    [AssemblyInitialize]
    public static void HoldKernelDevice(TestContext context) => _held = GpuDevice.Acquire(new DeviceSpec(DeviceKind.IlgpuCpu, 0));

    [AssemblyCleanup]
    public static void ReleaseKernelDevice() => _held?.Release();
}
