using Keras.Preprocessing.Memory.Tests.Gpu;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// Batches in a dtype other than float32, against newer Keras's <c>NumpyArrayIterator(x, dtype=...)</c>: x converted
/// with <c>np.asarray(x, dtype)</c> (truncated, wrapped), scipy rounding the warp into integers, brightness truncated
/// into the batch, float16 rounded, and numpy's refusal of in-place float steps on integer images.
/// </summary>
[TestClass]
public sealed class DTypeConformanceTests
{
    public static IEnumerable<object[]> Cases => CompatFixtures.Names("dtype");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void FlowBatchMatchesKeras(string name)
    {
        var c = CompatFixtures.Case("dtype", name);
        string dtype = c.GetProperty("dtype").GetString()!;
        var g = CompatFixtures.Generator(c.GetProperty("generator"), dtype);
        using var x = Fixture.Load(c.GetProperty("x").GetString()!);
        using var it = g.flow(x, batch_size: (int)x.shape[0], shuffle: false, device: "cpu");

        if (c.GetProperty("error").GetString() is { } error)
        {
            var e = Assert.Throws<ArgumentException>(() => it.next());
            Assert.AreEqual("dtype", e.ParamName, error);
            StringAssert.Contains(e.Message, "UFuncTypeError");
            return;
        }

        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);
        using var batch = it.next();
        Assert.AreEqual(expected.typecode, batch.x.typecode, "dtype");
        CollectionAssert.AreEqual(expected.shape, batch.x.shape, "shape");
        var want = Fixture.Doubles(expected);
        var got = Fixture.Doubles(batch.x);
        if (dtype == "float16")
        {
            // Keras rounds every step to float16 (rescale, mean, std, division); we compute in float32 and round once.
            // Apart by Keras's own float16 error: a few half-precision ulps on standardized values of magnitude ~1.
            for (int i = 0; i < want.Length; i++)
            {
                Assert.AreEqual(want[i], got[i], 4e-3, $"element {i}");
            }

            return;
        }

        // Where the exact value is a rounding tie (x.5; 1 for bool) scipy's float64 sum lands a hair to one side and our
        // float32 sum may land on the other: those pixels, listed by the script, may differ by one. All others are identical.
        var ties = c.GetProperty("near_ties").EnumerateArray().Select(e => e.GetInt32()).ToHashSet();
        var mismatches = Enumerable.Range(0, want.Length).Where(i => want[i] != got[i] && !(ties.Contains(i) && Math.Abs(want[i] - got[i]) <= 1)).ToArray();
        Assert.IsEmpty(mismatches, $"{name}: {mismatches.Length} of {want.Length} differ, e.g. " +
            string.Join(", ", mismatches.Take(6).Select(i => $"[{i}] Keras {want[i]} ours {got[i]}")));
    }

    [TestMethod]
    public void FileIteratorBatchesAreFloatBatchesTruncated()
    {
        // Keras's file iterators augment float32 images (img_to_array) and assign them into a uint8 batch: truncation.
        string dir = Path.Combine(Fixture.Root, "iterators", "images");
        var floatGen = new ImageDataGenerator(zoom_range: new[] { 0.7, 0.7 }, cval: 3.9);
        var byteGen = new ImageDataGenerator(zoom_range: new[] { 0.7, 0.7 }, cval: 3.9, dtype: "uint8");
        using var floats = floatGen.flow_from_directory(dir, target_size: (9, 11), batch_size: 4, shuffle: false, class_mode: "categorical");
        using var bytes = byteGen.flow_from_directory(dir, target_size: (9, 11), batch_size: 4, shuffle: false, class_mode: "categorical");
        using var f = floats.next();
        using var b = bytes.next();
        Assert.AreEqual(NPTypeCode.Byte, b.x.typecode);
        Assert.AreEqual(NPTypeCode.Byte, b.y!.typecode, "labels take the dtype too (np.zeros(..., dtype))");
        var truncated = TestData.Floats(f.x).Select(v => (double)(byte)(int)Math.Truncate(v)).ToArray();
        CollectionAssert.AreEqual(truncated, Fixture.Doubles(b.x));
        CollectionAssert.AreEqual(Fixture.Doubles(f.y!), Fixture.Doubles(b.y));
    }

    [TestMethod]
    public void ChannelShiftMakesKerasImagesFloatSoStandardizeWorksAndTruncates()
    {
        // With a channel shift Keras's image is float64 before standardize: rescale works, and the batch truncates.
        using var x = TestData.IndexedImages(3, channels: 3, dtype: NPTypeCode.Byte);
        var floatGen = new ImageDataGenerator(channel_shift_range: 40, rescale: 2.5);
        var byteGen = new ImageDataGenerator(channel_shift_range: 40, rescale: 2.5, dtype: "uint8");
        using var f = floatGen.flow(x, batch_size: 3, shuffle: false, seed: 5).next();
        using var b = byteGen.flow(x, batch_size: 3, shuffle: false, seed: 5).next();
        var truncated = TestData.Floats(f.x).Select(v => (double)unchecked((byte)(int)Math.Truncate(v))).ToArray();
        CollectionAssert.AreEqual(truncated, Fixture.Doubles(b.x));
    }

    [TestMethod]
    public void GpuKernelsGiveTheCpuEnginesUInt8Batch()
    {
        // The conversion sits after the executors: the GPU path (on ILGPU's CPU accelerator here) rounds the same way,
        // up to the ties a float32 difference between the engines can flip.
        using var x = TestData.IndexedImages(4, rows: 9, cols: 7, channels: 3);
        using var scaled = x * 50;
        static ImageDataGenerator Make() => new(zoom_range: new[] { 0.7, 0.7 }, cval: 2.5, dtype: "uint8");
        using var cpu = Make().flow(scaled, batch_size: 4, shuffle: false, device: "cpu").next();
        using var gpu = Make().OnKernels().flow(scaled, batch_size: 4, shuffle: false, device: GpuTestData.KernelDevice).next();
        Assert.AreEqual(NPTypeCode.Byte, gpu.x.typecode);
        var a = Fixture.Doubles(cpu.x);
        var b = Fixture.Doubles(gpu.x);
        Assert.IsTrue(a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1), "within one");
        Assert.IsLessThanOrEqualTo(a.Length / 50, a.Zip(b).Count(p => p.First != p.Second), "identical but for ties");
    }

    [TestMethod]
    public void SaveToDirWritesIntegerBatches()
    {
        string dir = Path.Combine(Path.GetTempPath(), "kerasmem-compat-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var x = TestData.IndexedImages(3, dtype: NPTypeCode.Byte);
            using var it = new ImageDataGenerator(zoom_range: 0.2, dtype: "uint8").flow(x, batch_size: 3, save_to_dir: dir, seed: 1);
            using var batch = it.next();
            Assert.HasCount(3, Directory.GetFiles(dir, "*.png"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void FitWithAnIntegerDTypeRaisesAsKerasDoes()
    {
        using var x = TestData.IndexedImages(3, dtype: NPTypeCode.Byte);
        var e = Assert.Throws<ArgumentException>(() => new ImageDataGenerator(featurewise_center: true, dtype: "uint8").fit(x));
        Assert.AreEqual("dtype", e.ParamName);
        new ImageDataGenerator(dtype: "uint8").fit(x); // nothing to compute: Keras does nothing either
    }

    [TestMethod]
    public void NumpyDTypeNamesAreAccepted()
    {
        Assert.AreEqual("uint8", new ImageDataGenerator(dtype: "uint8").dtype);
        Assert.AreEqual("float64", new ImageDataGenerator(dtype: "double").dtype);
        Assert.AreEqual("int64", new ImageDataGenerator(dtype: "int").dtype);
        Assert.AreEqual("bool", new ImageDataGenerator(dtype: "bool").dtype);
        Assert.AreEqual("float16", new ImageDataGenerator(dtype: "f2").dtype);
        var e = Assert.Throws<ArgumentException>(() => new ImageDataGenerator(dtype: "complex64"));
        Assert.AreEqual("dtype", e.ParamName);
    }

    [TestMethod]
    public void NextOnEveryThreadCountGivesTheSameUInt8Batch()
    {
        using var x = TestData.IndexedImages(6, channels: 3);
        var g = new ImageDataGenerator(rotation_range: 30, zoom_range: 0.2, dtype: "uint8");
        using var one = g.flow(x, batch_size: 6, seed: 3, workers: 1).next();
        using var two = g.flow(x, batch_size: 6, seed: 3, workers: 2, prefetch: 1).next();
        CollectionAssert.AreEqual(Fixture.Doubles(one.x), Fixture.Doubles(two.x));
    }
}
