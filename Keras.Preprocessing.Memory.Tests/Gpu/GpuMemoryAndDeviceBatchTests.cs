using Keras.Preprocessing.Memory.Gpu;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>Datasets too big for the device (simulated with a small budget), and batches left on the device.</summary>
[TestClass]
[DoNotParallelize] // listens to KerasWarnings, a process-wide event, and asserts none came
public sealed class GpuMemoryAndDeviceBatchTests
{
    private readonly List<string> _warnings = [];

    [TestInitialize]
    public void Listen()
    {
        KerasWarnings.WriteToStandardError = false;
        KerasWarnings.Warned += _warnings.Add;
    }

    [TestCleanup]
    public void Restore()
    {
        KerasWarnings.Warned -= _warnings.Add;
    }

    [TestMethod]
    public void PlannerKeepsStreamsOrGivesUp()
    {
        Assert.AreEqual(DatasetPlacement.Resident, MemoryPlanner.ChoosePlacement(1000, 10, 40, 2, 1080));
        Assert.AreEqual(DatasetPlacement.Streaming, MemoryPlanner.ChoosePlacement(1001, 10, 40, 2, 1080));
        Assert.AreEqual(DatasetPlacement.Host, MemoryPlanner.ChoosePlacement(1001, 10, 40, 2, 99));
        Assert.AreEqual((8L << 30) - ((8L << 30) / 10), MemoryPlanner.ComputeBudget(8L << 30, 8L << 30));
        Assert.AreEqual((1L << 30) - (256L << 20), MemoryPlanner.ComputeBudget(1L << 30, 1L << 30));

        // Another framework holds 6 of the 8 GiB: the budget is what is free, less the margin.
        Assert.AreEqual((2L << 30) - ((8L << 30) / 10), MemoryPlanner.ComputeBudget(8L << 30, 2L << 30));
        Assert.AreEqual(0, MemoryPlanner.ComputeBudget(8L << 30, 100L << 20));
    }

    [TestMethod]
    public void LaneWorkCountsTheSplineCoefficientsOfOrdersTwoToFive()
    {
        var g = new ImageGeometry(10, 20, 3, DataFormat.ChannelsLast);
        long output = 2 * 600 * sizeof(float), coordinates = 2 * 2 * (10 + 20) * sizeof(double);

        Assert.AreEqual(output + coordinates, MemoryPlanner.LaneWorkBytes(2, g, FillMode.Nearest, 1));
        Assert.AreEqual(output + coordinates, MemoryPlanner.LaneWorkBytes(2, g, FillMode.Nearest, 0));

        // Every channel of both images as a float64 plane, padded by 12 on each side for nearest, by 0 for reflect.
        Assert.AreEqual(output + coordinates + (2 * 3 * 34 * 44 * sizeof(double)), MemoryPlanner.LaneWorkBytes(2, g, FillMode.Nearest, 3));
        Assert.AreEqual(output + coordinates + (2 * 3 * 10 * 20 * sizeof(double)), MemoryPlanner.LaneWorkBytes(2, g, FillMode.Reflect, 5));
    }

    [TestMethod]
    public void ASplineBatchThatDoesNotFitFallsBackToTheCpuWhereALinearOneStays()
    {
        // 9 uint8 images of 12x17x3 (5508 bytes), batches of 3: two order-1 lanes take 17472 bytes, so 30000 holds
        // the dataset; order 3 adds 3 x 3 x 12 x 17 doubles (14688 bytes) per lane, which no longer fits even streamed.
        using var x = GpuTestData.Images("uint8", 9, 3);
        var options = GpuTestData.KernelOptions with { GpuMemoryBudget = 30000 };
        var linear = new ImageDataGenerator(rotation_range: 30, fill_mode: "reflect") { Execution = options };
        var spline = new ImageDataGenerator(rotation_range: 30, fill_mode: "reflect", interpolation_order: 3) { Execution = options };

        using (var it = linear.flow(x, batch_size: 3, device: GpuTestData.KernelDevice))
        {
            Assert.AreNotEqual("cpu", it.device);
        }

        Assert.IsFalse(_warnings.Any(w => w.Contains("augmenting on the CPU instead")), string.Join("\n", _warnings));
        using var splineIterator = spline.flow(x, batch_size: 3, device: GpuTestData.KernelDevice);

        Assert.AreEqual("cpu", splineIterator.device);
        Assert.IsTrue(_warnings.Any(w => w.Contains("augmenting on the CPU instead")), string.Join("\n", _warnings));
        using var batch = splineIterator.next();
        CollectionAssert.AreEqual(new long[] { 3, 12, 17, 3 }, batch.x.shape);
    }

    [TestMethod]
    public void ADatasetThatDoesNotFitIsStreamedWithAWarningAndTheSameResult()
    {
        // 9 uint8 images of 12x17x3 = 5508 bytes; two lanes of 3-image float batches = 14688 bytes and their
        // coordinate products 2 x 3 x 2 x (12 + 17) doubles = 2784 bytes, staging 3672.
        var generator = new ImageDataGenerator(rotation_range: 30, channel_shift_range: 10, samplewise_center: true)
        {
            Execution = GpuTestData.KernelOptions with { GpuMemoryBudget = 14688 + 2784 + 3672 + 100 },
        };
        using var x = GpuTestData.Images("uint8", 9, 3);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 3, batches: 4);

        GpuTestData.AssertAgrees(agreement, "streamed");
        Assert.IsTrue(_warnings.Any(w => w.Contains("does not fit") && w.Contains("uploads only the images it needs")), string.Join("\n", _warnings));
    }

    [TestMethod]
    public void AGpuThatCannotHoldABatchFallsBackToTheCpuEngine()
    {
        using var x = GpuTestData.Images("uint8", 9, 3);
        var generator = new ImageDataGenerator(rotation_range: 30) { Execution = GpuTestData.KernelOptions with { GpuMemoryBudget = 1000 } };

        using var it = generator.flow(x, batch_size: 3, device: GpuTestData.KernelDevice);

        Assert.AreEqual("cpu", it.device);
        Assert.IsTrue(_warnings.Any(w => w.Contains("augmenting on the CPU instead")), string.Join("\n", _warnings));
        using var batch = it.next();
        CollectionAssert.AreEqual(new long[] { 3, 12, 17, 3 }, batch.x.shape);
    }

    [TestMethod]
    public void ALaneAllocationThatFailsFallsBackToTheCpuEngineForThatBatch()
    {
        // The planner says yes; the first batch's buffers then fail as the driver's would (another user took the memory).
        var generator = new ImageDataGenerator(rotation_range: 30, channel_shift_range: 10, samplewise_center: true)
        {
            Execution = GpuTestData.KernelOptions with { GpuKernelsOnCpu = true, CudaDeviceCount = null, GpuLaneBytesLimit = 1000 },
        };
        using var x = GpuTestData.Images("uint8", 6, 3);
        using var gpu = generator.flow(x, batch_size: 3, shuffle: false, seed: 9, device: "gpu");
        using var cpu = generator.flow(x, batch_size: 3, shuffle: false, seed: 9, device: "cpu");

        var agreement = default(Agreement);
        for (int i = 0; i < 2; i++)
        {
            using var expected = cpu.next();
            using var actual = gpu.next();
            agreement = agreement.Merge(FloatSteps.Compare(GpuTestData.Values(expected.x), GpuTestData.Values(actual.x)));
        }

        Assert.AreEqual(0, agreement.MaxSteps, "the CPU engine made the batches");
        Assert.AreEqual(1, _warnings.Count(w => w.Contains("could not allocate") && w.Contains("on the CPU instead")), string.Join("\n", _warnings));
    }

    [TestMethod]
    public void BatchesKeptByTheCallerGoThroughRegisteredArraysThenTheLaneBuffer()
    {
        // Holding every batch makes the pool hand out a new array each time: the first ones are page-locked and
        // downloaded into directly, the ones past RegisteredOutputs.Capacity go through the lane's page-locked buffer.
        var generator = new ImageDataGenerator(rotation_range: 25, brightness_range: (0.7, 1.3)).OnKernels();
        using var x = GpuTestData.Images("uint8", 12, 3);
        using var cpu = generator.flow(x, batch_size: 1, shuffle: false, seed: 6, device: "cpu");
        using var gpu = generator.flow(x, batch_size: 1, shuffle: false, seed: 6, device: GpuTestData.KernelDevice);
        var kept = new List<Batch>();
        try
        {
            int batches = RegisteredOutputs.Capacity + 4;
            for (int i = 0; i < batches; i++)
            {
                kept.Add(gpu.next());
            }

            Assert.AreEqual(batches, kept.Select(b => AddressOf(b.x)).Distinct().Count(), "every batch in its own array");
            foreach (var batch in kept)
            {
                using var expected = cpu.next();
                GpuTestData.AssertAgrees(FloatSteps.Compare(GpuTestData.Values(expected.x), GpuTestData.Values(batch.x)), $"batch {batch.index_array[0]}");
            }
        }
        finally
        {
            kept.ForEach(b => b.Dispose());
        }
    }

    private static unsafe nint AddressOf(NDArray array) => (nint)array.Unsafe.Address;

    [TestMethod]
    public void ADatasetThatFitsStaysResidentWithoutWarnings()
    {
        using var x = GpuTestData.Images("uint8", 4, 3);

        using var it = new ImageDataGenerator(rotation_range: 30).OnKernels().flow(x, batch_size: 2, device: GpuTestData.KernelDevice);
        using var batch = it.next();

        Assert.AreEqual(GpuTestData.KernelDeviceName, it.device);
        Assert.IsEmpty(_warnings);
    }

    [TestMethod]
    public void NextOnDeviceLeavesTheSameBatchOnTheDevice()
    {
        var generator = new ImageDataGenerator(rotation_range: 20, brightness_range: (0.5, 1.5), rescale: 1.0 / 255).OnKernels();
        using var x = GpuTestData.Images("uint8", 5, 3);
        using var y = np.arange(5);
        using var cpu = generator.flow(x, y, batch_size: 3, shuffle: true, seed: 4, device: "cpu");
        using var gpu = generator.flow(x, y, batch_size: 3, shuffle: true, seed: 4, device: GpuTestData.KernelDevice);

        for (int i = 0; i < 3; i++)
        {
            using var expected = cpu.next();
            using var onDevice = gpu.next_on_device();
            using var images = onDevice.numpy();

            CollectionAssert.AreEqual(expected.x.shape, onDevice.shape);
            Assert.AreEqual(onDevice.size, images.size);
            Assert.AreNotEqual(IntPtr.Zero, onDevice.native_pointer);
            Assert.AreEqual(GpuTestData.KernelDeviceName, onDevice.device);
            Assert.AreEqual("float32", onDevice.dtype);

            // A CUDA context and stream only on CUDA (the CPU accelerator has neither).
            Assert.AreEqual(GpuTestData.OnCpuAccelerator, onDevice.cuda_context == IntPtr.Zero);
            Assert.AreEqual(GpuTestData.OnCpuAccelerator, onDevice.cuda_stream == IntPtr.Zero);
            CollectionAssert.AreEqual(expected.index_array, onDevice.index_array);
            CollectionAssert.AreEqual(Fixture.Doubles(expected.y!), Fixture.Doubles(onDevice.y!));
            GpuTestData.AssertAgrees(FloatSteps.Compare(GpuTestData.Values(expected.x), GpuTestData.Values(images)), $"batch {i}");
        }
    }

    [TestMethod]
    public void NextOnDeviceAfterPrefetchedBatchesSkipsNothing()
    {
        var generator = new ImageDataGenerator(horizontal_flip: true).OnKernels();
        using var x = GpuTestData.Images("uint8", 6, 1);
        using var it = generator.flow(x, batch_size: 2, shuffle: false, seed: 1, prefetch: 2, device: GpuTestData.KernelDevice);

        using var first = it.next();
        using var second = it.next_on_device();
        using var third = it.next();

        CollectionAssert.AreEqual(new[] { 0, 1 }, first.index_array);
        CollectionAssert.AreEqual(new[] { 2, 3 }, second.index_array);
        CollectionAssert.AreEqual(new[] { 4, 5 }, third.index_array);
    }

    [TestMethod]
    public void ADeviceBatchMayOutliveItsIterator()
    {
        using var x = GpuTestData.Images("uint8", 4, 3);
        var it = new ImageDataGenerator(rotation_range: 5).OnKernels().flow(x, batch_size: 2, device: GpuTestData.KernelDevice);
        var batch = it.next_on_device();

        it.Dispose();
        batch.Dispose();

        Assert.ThrowsExactly<ObjectDisposedException>(() => batch.native_pointer);
    }

    [TestMethod]
    public void NextOnDeviceNeedsAGpuDevice()
    {
        using var x = GpuTestData.Images("uint8", 2, 3);
        using var it = new ImageDataGenerator().flow(x, device: "cpu");

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => it.next_on_device());

        StringAssert.Contains(error.Message, "needs a GPU device");
    }

    [TestMethod]
    public void ConcurrentBatchesShareTheTwoLanes()
    {
        var generator = new ImageDataGenerator(rotation_range: 45, samplewise_std_normalization: true);
        using var x = GpuTestData.Images("float32", 8, 3, top: 1);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 2, batches: 4);
        using var it = generator.flow(x, batch_size: 2, shuffle: false, seed: 11, prefetch: 3, device: GpuTestData.KernelDevice);
        using var cpu = generator.flow(x, batch_size: 2, shuffle: false, seed: 11, device: "cpu");
        for (int i = 0; i < 4; i++)
        {
            using var a = it.next();
            using var b = cpu.next();
            agreement = agreement.Merge(FloatSteps.Compare(GpuTestData.Values(b.x), GpuTestData.Values(a.x)));
        }

        GpuTestData.AssertAgrees(agreement, "prefetch 3 over two lanes");
    }
}
