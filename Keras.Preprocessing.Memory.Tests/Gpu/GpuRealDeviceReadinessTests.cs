using Keras.Preprocessing.Memory.Devices;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// What a real CUDA device needs that ILGPU's default CPU accelerator would not show: the statistics reduction on
/// CUDA-shaped groups, the float-step measure of agreement, the walk over channels without divisions, the device
/// cache, the shard spread and the reasons given when CUDA cannot start.
/// </summary>
[TestClass]
[DoNotParallelize] // listens to KerasWarnings, a process-wide event
public sealed class GpuRealDeviceReadinessTests
{
    private readonly List<string> _warnings = [];

    [TestInitialize]
    public void Listen()
    {
        KerasWarnings.WriteToStandardError = false;
        KerasWarnings.Warned += _warnings.Add;
    }

    [TestCleanup]
    public void Restore() => KerasWarnings.Warned -= _warnings.Add;

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void StatisticsOnCudaShapedGroupsMatchTheCpu(bool channelsFirst)
    {
        // 40x50x3 = 6000 elements: with 256-thread groups, several groups per image (parts), as on hardware.
        var generator = new ImageDataGenerator(
            rotation_range: 20,
            channel_shift_range: 30,
            brightness_range: (0.6, 1.4),
            samplewise_center: true,
            samplewise_std_normalization: true,
            data_format: channelsFirst ? "channels_first" : "channels_last")
        {
            Execution = GpuTestData.CudaShapedOptions,
        };
        using var x = GpuTestData.Images("uint8", 3, 3, channelsFirst, rows: 40, cols: 50);
        using var cpu = generator.flow(x, batch_size: 3, shuffle: false, seed: 2, device: "cpu");
        using var gpu = generator.flow(x, batch_size: 3, shuffle: false, seed: 2, device: "gpu");
        using var expected = cpu.next();
        using var actual = gpu.next();

        Assert.AreEqual("ilgpu-cpu:warp32", gpu.device);
        var device = GpuDevice.Acquire(new DeviceSpec(DeviceKind.IlgpuCpu, DeviceSpec.CudaShapedCpu));
        try
        {
            Assert.AreEqual(32, device.Accelerator.WarpSize);
            Assert.AreEqual(256, device.StatisticsGroupSize);
            Assert.AreEqual(5, device.StatisticsParts(3, 6000), "6000 / (4 x 256) parts: more than one group per image");
        }
        finally
        {
            device.Release();
        }

        GpuTestData.AssertAgrees(FloatSteps.Compare(GpuTestData.Values(expected.x), GpuTestData.Values(actual.x)), "CUDA-shaped statistics");
    }

    [TestMethod]
    public void StatisticsPartsFillTheDeviceButStayWorthAGroup()
    {
        var device = GpuDevice.Acquire(new DeviceSpec(DeviceKind.IlgpuCpu, DeviceSpec.CudaShapedCpu));
        try
        {
            Assert.AreEqual(1, device.StatisticsParts(32, 12 * 17 * 3), "a small image is one group");
            Assert.AreEqual(1, device.StatisticsParts(64, 224 * 224 * 3), "64 images already give 32 groups");
            Assert.AreEqual(2, device.StatisticsParts(16, 224 * 224 * 3));
            Assert.AreEqual(32, device.StatisticsParts(1, 224 * 224 * 3));
        }
        finally
        {
            device.Release();
        }
    }

    [TestMethod]
    [DataRow(12, 17, 3, false, 16)]
    [DataRow(12, 17, 3, true, 16)]
    [DataRow(5, 7, 4, true, 256)]
    [DataRow(5, 7, 1, false, 3)]
    [DataRow(3, 3, 3, true, 7)]
    public void TheChannelCursorAgreesWithChannelOf(int rows, int cols, int channels, bool channelsFirst, int step)
    {
        var g = ImageGeometry.FromImageShape(channelsFirst ? [channels, rows, cols] : [rows, cols, channels], channelsFirst ? DataFormat.ChannelsFirst : DataFormat.ChannelsLast);
        for (int start = 0; start < Math.Min(step, g.Size); start++)
        {
            var cursor = new ChannelCursor(g, start, step);
            for (int i = start; i < g.Size; i += step)
            {
                Assert.AreEqual(g.ChannelOf(i), cursor.Channel, $"element {i} from {start} by {step}");
                cursor.Advance();
            }
        }
    }

    [TestMethod]
    public void FloatStepsAreMeasuredAtTheBatchScale()
    {
        float step = MathF.BitIncrement(255f) - 255f;
        float[] expected = [255f, 1f, 0f, -3f];

        var same = FloatSteps.Compare(expected, expected);
        var rounding = FloatSteps.Compare(expected, [255f, 1f + (3 * step), -step, -3f]);
        var gross = FloatSteps.Compare(expected, [255f, 1.1f, 0f, -3f]);
        var nan = FloatSteps.Compare(expected, [255f, float.NaN, 0f, -3f]);

        Assert.AreEqual(0, same.MaxSteps);
        Assert.AreEqual(255f, rounding.Scale);
        Assert.AreEqual(3, rounding.MaxSteps, 1e-9, "steps of 255's spacing, even on a value near 0");
        Assert.AreEqual(0, rounding.GrossErrors);
        Assert.AreEqual(1, gross.GrossErrors, "0.1 at scale 255 is 6554 steps: a wrong value, not rounding");
        Assert.AreEqual(1, nan.GrossErrors);
        Assert.ThrowsExactly<ArgumentException>(() => FloatSteps.Compare(expected, [1f]));
    }

    [TestMethod]
    public void TheDeviceCacheKeepsContextAndKernelsAcrossIterators()
    {
        using var x = GpuTestData.Images("uint8", 4, 3);
        var generator = new ImageDataGenerator(rotation_range: 10) { Execution = GpuTestData.CudaShapedOptions };
        var spec = new DeviceSpec(DeviceKind.IlgpuCpu, DeviceSpec.CudaShapedCpu);

        using (var first = generator.flow(x, batch_size: 2, device: "gpu"))
        {
            using var batch = first.next();
        }

        var cached = GpuDevice.Acquire(spec);
        cached.Release();
        using (var second = generator.flow(x, batch_size: 2, device: "gpu"))
        {
            var again = GpuDevice.Acquire(spec);
            again.Release();
            Assert.AreSame(cached, again, "the second flow() found the device (context, compiled kernels) of the first");
        }
    }

    [TestMethod]
    public void TheUploadedDatasetIsKeptForTheNextIteratorOverTheSameArray()
    {
        using var x = GpuTestData.Images("uint8", 4, 3, seed: 21);
        using var other = GpuTestData.Images("uint8", 4, 3, seed: 22);
        var generator = new ImageDataGenerator(rotation_range: 10) { Execution = GpuTestData.CudaShapedOptions };
        var device = GpuDevice.Acquire(new DeviceSpec(DeviceKind.IlgpuCpu, DeviceSpec.CudaShapedCpu));
        try
        {
            var images = ImageArray.Wrap(x, DataFormat.ChannelsLast);
            NDArrayFirstBatch(generator, x);
            Assert.IsTrue(device.Datasets.Holds(images), "the copy outlives the iterator that uploaded it");

            using var reused = generator.flow(x, batch_size: 2, shuffle: false, seed: 5, device: "gpu");
            using var fromCache = reused.next();
            using var cpu = generator.flow(x, batch_size: 2, shuffle: false, seed: 5, device: "cpu");
            using var expected = cpu.next();
            GpuTestData.AssertAgrees(FloatSteps.Compare(GpuTestData.Values(expected.x), GpuTestData.Values(fromCache.x)), "from the cached copy");

            reused.Dispose();
            NDArrayFirstBatch(generator, other);
            Assert.IsFalse(device.Datasets.Holds(images), "another array's flow() frees the unused copy");
            Assert.IsTrue(device.Datasets.Holds(ImageArray.Wrap(other, DataFormat.ChannelsLast)));
        }
        finally
        {
            device.Release();
        }

        static void NDArrayFirstBatch(ImageDataGenerator generator, NumSharp.NDArray array)
        {
            using var it = generator.flow(array, batch_size: 2, device: "gpu");
            using var batch = it.next();
        }
    }

    [TestMethod]
    public void TheDeviceCheckAgreementRunsEveryAcceptedConfiguration()
    {
        var rows = KerasMemory.GpuBench.AgreementCheck.Run(GpuTestData.KernelDevice, size: 12, batches: 1, options: GpuTestData.KernelOptions);

        var ran = rows.Where(r => r.Agreement is not null).ToList();
        var skipped = rows.Where(r => r.Agreement is null).ToList();
        Assert.IsEmpty(rows.Where(r => r.Failed), string.Join("\n", rows.Where(r => r.Failed).Select(r => r.Skipped)));
        Assert.IsGreaterThanOrEqualTo(32, ran.Count, "4 fill modes x 2 orders x 2 dtypes x standardization off/on at least");
        Assert.AreEqual(
            KerasMemory.GpuBench.AgreementCheck.FillModes.Length + KerasMemory.GpuBench.AgreementCheck.Orders.Length,
            skipped.Count + (ran.Select(r => r.Configuration.Split(' ')[1]).Distinct().Count()) + ran.Select(r => r.Configuration.Split(' ')[3]).Distinct().Count(),
            "every fill mode and order either ran or was reported as not accepted");
        GpuTestData.AssertAgrees(KerasMemory.GpuBench.AgreementCheck.Total(rows), "device check");
    }

    [TestMethod]
    public void AutoSpreadsShardsOverTheVisibleGpus()
    {
        Assert.AreEqual("cuda:0", DeviceSelector.AutoDevice(0, 4).ToString());
        Assert.AreEqual("cuda:3", DeviceSelector.AutoDevice(3, 4).ToString());
        Assert.AreEqual("cuda:1", DeviceSelector.AutoDevice(5, 4).ToString());
        Assert.AreEqual("cuda:0", DeviceSelector.AutoDevice(5, 1).ToString());
    }

    [TestMethod]
    public void ACudaDriverThatFailsIsNamedByGpuAndWarnedAboutByAuto()
    {
        using var x = GpuTestData.Images("uint8", 2, 3);
        var generator = new ImageDataGenerator
        {
            Execution = new ExecutionOptions { CudaDeviceCount = 0, CudaProbeFailure = "the driver's cuInit failed with CUDA_ERROR_TEST_ONLY" },
        };

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => generator.flow(x, device: "gpu"));
        using var auto = generator.flow(x, device: "auto");

        StringAssert.Contains(error.Message, "CUDA_ERROR_TEST_ONLY");
        StringAssert.Contains(error.Message, "cuda:0");
        Assert.AreEqual("cpu", auto.device);
        Assert.IsTrue(_warnings.Any(w => w.Contains("device \"auto\"") && w.Contains("CUDA_ERROR_TEST_ONLY")), string.Join("\n", _warnings));
    }

    [TestMethod]
    public void NoDeviceAtAllIsQuietUnderAuto()
    {
        using var x = GpuTestData.Images("uint8", 2, 3);
        var generator = new ImageDataGenerator { Execution = new ExecutionOptions { CudaDeviceCount = 0 } };

        using var auto = generator.flow(x, device: "auto");

        Assert.AreEqual("cpu", auto.device);
        Assert.IsEmpty(_warnings);
    }

    [TestMethod]
    public void NextOnDeviceWithAHostCallbackRoundTripsThroughPageLockedMemory()
    {
        var generator = new ImageDataGenerator(rotation_range: 15, rescale: 0.5, preprocessing_function: image => image + 1f).OnKernels();
        using var x = GpuTestData.Images("uint8", 4, 3);
        using var cpu = generator.flow(x, batch_size: 4, shuffle: false, seed: 3, device: "cpu");
        using var gpu = generator.flow(x, batch_size: 4, shuffle: false, seed: 3, device: GpuTestData.KernelDevice);

        using var expected = cpu.next();
        using var onDevice = gpu.next_on_device();
        using var images = onDevice.numpy();

        GpuTestData.AssertAgrees(FloatSteps.Compare(GpuTestData.Values(expected.x), GpuTestData.Values(images)), "callback round trip");
    }
}
