using Keras.Preprocessing.Memory.Devices;
using Keras.Preprocessing.Memory.Execution;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>flow's <c>device</c> argument: TensorFlow's spellings, "auto" falling back to the CPU, and a missing GPU failing loudly.</summary>
[TestClass]
public sealed class DeviceSelectionTests
{
    [TestMethod]
    [DataRow("auto", "auto")]
    [DataRow(null, "auto")]
    [DataRow("cpu", "cpu")]
    [DataRow("CPU:0", "cpu")]
    [DataRow("/cpu:0", "cpu")]
    [DataRow("gpu", "cuda:0")]
    [DataRow("cuda", "cuda:0")]
    [DataRow("GPU", "cuda:0")]
    [DataRow("gpu:1", "cuda:1")]
    [DataRow("cuda:1", "cuda:1")]
    [DataRow("/gpu:2", "cuda:2")]
    [DataRow("/device:GPU:3", "cuda:3")]
    public void ParsesTensorFlowDeviceNames(string? text, string canonical) =>
        Assert.AreEqual(canonical, DeviceSpec.Parse(text).ToString());

    [TestMethod]
    [DataRow("tpu")]
    [DataRow("gpu:")]
    [DataRow("gpu:-1")]
    [DataRow("cuda:x")]
    [DataRow("")]
    [DataRow("ilgpu-cpu")] // the GPU kernels on ILGPU's CPU accelerator are reached through ExecutionOptions, not a device name
    public void RejectsUnknownDevicesNamingTheParameter(string text)
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => DeviceSpec.Parse(text));
        Assert.AreEqual("device", error.ParamName);
    }

    [TestMethod]
    public void FlowRejectsAnUnknownDeviceBeforeDoingAnyWork()
    {
        using var x = GpuTestData.Images("uint8", 2, 3);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow(x, device: "npu"));
        StringAssert.Contains(error.Message, "npu");
    }

    [TestMethod]
    [DataRow("gpu")]
    [DataRow("cuda:0")]
    [DataRow("gpu:1")]
    public void ForcingAGpuWithoutOneThrowsNamingTheDevice(string device)
    {
        using var x = GpuTestData.Images("uint8", 2, 3);
        var generator = new ImageDataGenerator { Execution = new ExecutionOptions { CudaDeviceCount = 0 } };

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => generator.flow(x, device: device));

        StringAssert.Contains(error.Message, DeviceSpec.Parse(device).ToString());
        StringAssert.Contains(error.Message, "no CUDA device");
    }

    [TestMethod]
    public void AskingForAGpuIndexBeyondTheDevicesThrows()
    {
        using var x = GpuTestData.Images("uint8", 2, 3);
        var generator = new ImageDataGenerator { Execution = new ExecutionOptions { CudaDeviceCount = 1 } };

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => generator.flow(x, device: "gpu:1"));

        StringAssert.Contains(error.Message, "only 1 CUDA device");
    }

    [TestMethod]
    public void AutoFallsBackToTheCpuWithoutAGpu()
    {
        using var x = GpuTestData.Images("uint8", 2, 3);
        var generator = new ImageDataGenerator { Execution = new ExecutionOptions { CudaDeviceCount = 0 } };

        using var it = generator.flow(x);

        Assert.AreEqual("cpu", it.device);
    }

    [TestMethod]
    public void AutoOnThisMachineUsesWhatTheProbeFinds()
    {
        using var x = GpuTestData.Images("uint8", 2, 3);

        using var it = new ImageDataGenerator { Execution = ExecutionOptions.Product }.flow(x, device: "auto");

        // CI has no GPU, so "cpu" there; on a GPU machine the first CUDA device.
        Assert.AreEqual(DeviceSelector.ProbedCudaDeviceCount == 0 ? "cpu" : "cuda:0", it.device);
    }

    [TestMethod]
    public void CpuAndKernelDevicesReportThemselves()
    {
        using var x = GpuTestData.Images("uint8", 2, 3);
        var generator = new ImageDataGenerator().OnKernels();

        using var cpu = generator.flow(x, device: "cpu");
        using var kernels = generator.flow(x, device: GpuTestData.KernelDevice);

        Assert.AreEqual("cpu", cpu.device);
        Assert.AreEqual(GpuTestData.KernelDeviceName, kernels.device);
    }
}
