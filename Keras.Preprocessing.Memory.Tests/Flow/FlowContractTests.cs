using Keras.Preprocessing.Memory.Iterators;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Flow;

/// <summary>flow()'s Keras contract: batching, epochs, shuffling, outputs.</summary>
[TestClass]
public sealed class FlowContractTests
{
    [TestMethod]
    public void LengthAndLastBatchFollowKeras()
    {
        using var x = TestData.IndexedImages(100);
        using var it = new ImageDataGenerator().flow(x, TestData.Labels(100), batch_size: 32, shuffle: false);

        Assert.AreEqual(4, it.len);
        Assert.AreEqual(4, it.Count);
        Assert.AreEqual(100, it.n);
        Assert.AreEqual(32, it.batch_size);
        var sizes = Enumerable.Range(0, 5).Select(_ => it.next().Count).ToArray();
        CollectionAssert.AreEqual(new[] { 32, 32, 32, 4, 32 }, sizes);
    }

    [TestMethod]
    public void UnshuffledBatchesAreConsecutiveSamplesWithTheirLabels()
    {
        using var x = TestData.IndexedImages(10);
        using var it = new ImageDataGenerator().flow(x, TestData.Labels(10), batch_size: 4, shuffle: false);

        var (xb, yb) = it[1];
        CollectionAssert.AreEqual(new[] { 4, 5, 6, 7 }, TestData.Ints(yb));
        CollectionAssert.AreEqual(new long[] { 4, 8, 6, 3 }, xb.shape);
        var pixels = TestData.Floats(xb);
        int size = 8 * 6 * 3;
        var source = TestData.Floats(x);
        CollectionAssert.AreEqual(source.AsSpan(4 * size, 4 * size).ToArray(), pixels, "no augmentation: images pass through unchanged");
    }

    [TestMethod]
    public void ShuffleVisitsEverySampleOncePerEpochAndReshuffles()
    {
        using var x = TestData.IndexedImages(50);
        using var it = new ImageDataGenerator().flow(x, TestData.Labels(50), batch_size: 8, seed: 3);

        var first = Enumerable.Range(0, it.len).SelectMany(_ => TestData.Ints(it.next().y!)).ToArray();
        var second = Enumerable.Range(0, it.len).SelectMany(_ => TestData.Ints(it.next().y!)).ToArray();

        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), first);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), second);
        CollectionAssert.AreNotEqual(first, second, "a fresh order each epoch");
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 50).ToArray(), first, "shuffled");
    }

    [TestMethod]
    public void SameSeedGivesSameBatchesEveryRun()
    {
        using var x = TestData.IndexedImages(40);
        var gen = new ImageDataGenerator(rotation_range: 30, width_shift_range: 0.2, zoom_range: 0.2, horizontal_flip: true, channel_shift_range: 0.1);
        float[][] Run()
        {
            using var it = gen.flow(x, batch_size: 16, seed: 99);
            return Enumerable.Range(0, 6).Select(_ => TestData.Floats(it.next().x)).ToArray();
        }

        var a = Run();
        var b = Run();
        for (int i = 0; i < a.Length; i++)
        {
            CollectionAssert.AreEqual(a[i], b[i], $"batch {i}");
        }

        using var other = gen.flow(x, batch_size: 16, seed: 100);
        CollectionAssert.AreNotEqual(a[0], TestData.Floats(other.next().x));
    }

    [TestMethod]
    public void IndexerAndNextAgreeWithinAnEpoch()
    {
        using var x = TestData.IndexedImages(20);
        var gen = new ImageDataGenerator(rotation_range: 40, horizontal_flip: true);
        using var a = gen.flow(x, TestData.Labels(20), batch_size: 6, seed: 5);
        using var b = gen.flow(x, TestData.Labels(20), batch_size: 6, seed: 5);

        for (int i = 0; i < a.len; i++)
        {
            var viaNext = a.next();
            var viaIndex = b[i];
            CollectionAssert.AreEqual(TestData.Ints(viaIndex.y!), TestData.Ints(viaNext.y!));
            CollectionAssert.AreEqual(TestData.Floats(viaIndex.x), TestData.Floats(viaNext.x));
        }
    }

    [TestMethod]
    public void ResetAndOnEpochEndFollowKeras()
    {
        using var x = TestData.IndexedImages(12);
        using var it = new ImageDataGenerator().flow(x, TestData.Labels(12), batch_size: 5, seed: 1);
        var epochOrder = it.index_array;
        it.next();
        Assert.AreEqual(1, it.batch_index);
        it.reset();
        Assert.AreEqual(0, it.batch_index);
        Assert.AreEqual(1, it.total_batches_seen);

        it.on_epoch_end();
        CollectionAssert.AreNotEqual(epochOrder, it.index_array);
        Assert.AreEqual(1, it.epoch);
    }

    [TestMethod]
    public void EnumeratingWalksOneEpochThenStartsTheNext()
    {
        using var x = TestData.IndexedImages(11);
        using var it = new ImageDataGenerator().flow(x, TestData.Labels(11), batch_size: 4, seed: 8);
        var labels = it.SelectMany(b => TestData.Ints(b.y!)).ToArray();
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 11).ToArray(), labels);
        Assert.AreEqual(1, it.epoch);
    }

    [TestMethod]
    public void IndexPastTheEndThrowsLikeKeras()
    {
        using var x = TestData.IndexedImages(10);
        using var it = new ImageDataGenerator().flow(x, batch_size: 4);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => it[3]);
        StringAssert.Contains(e.Message, "Asked to retrieve element 3, but the Sequence has length 3");
    }

    [TestMethod]
    public void OutputsFollowTheArgumentsGiven()
    {
        using var x = TestData.IndexedImages(10);
        var gen = new ImageDataGenerator();

        using (var xOnly = gen.flow(x, batch_size: 4, shuffle: false))
        {
            NDArray images = xOnly.next();
            CollectionAssert.AreEqual(new long[] { 4, 8, 6, 3 }, images.shape);
            Assert.ThrowsExactly<InvalidOperationException>(() => { var (a, b) = xOnly.next(); });
        }

        using var weights = new NDArray(Enumerable.Range(0, 10).Select(i => i * 0.5).ToArray(), new Shape(10));
        using var withWeights = gen.flow(x, TestData.Labels(10), batch_size: 4, shuffle: false, sample_weight: weights);
        var (xb, yb, wb) = withWeights.next();
        CollectionAssert.AreEqual(new[] { 0.0, 0.5, 1.0, 1.5 }, wb.ToArray<double>());
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3 }, TestData.Ints(yb));
        Assert.AreEqual(NPTypeCode.Single, xb.typecode);
    }

    [TestMethod]
    public void ExtraInputsAreGatheredUnchanged()
    {
        using var x = TestData.IndexedImages(9);
        using var meta = new NDArray(Enumerable.Range(0, 18).Select(i => (double)i).ToArray(), new Shape(9, 2));
        using var it = new ImageDataGenerator(rotation_range: 90).flow([x, meta], TestData.Labels(9), batch_size: 3, seed: 2);
        var batch = it.next();
        Assert.HasCount(2, batch.inputs);
        var ids = TestData.Ints(batch.y!);
        var metaRows = batch.inputs[1].ToArray<double>();
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(ids[i] * 2.0, metaRows[2 * i]);
            Assert.AreEqual((ids[i] * 2.0) + 1, metaRows[(2 * i) + 1]);
        }
    }

    [TestMethod]
    public void Uint8ImagesAreReadInPlaceAndConvertedPerBatch()
    {
        using var x = TestData.IndexedImages(6, dtype: NPTypeCode.Byte);
        using var it = new ImageDataGenerator(rescale: 1.0 / 255).flow(x, batch_size: 6, shuffle: false);
        Assert.AreSame(x, it.x, "no whole-dataset copy or conversion");
        var batch = TestData.Floats(it.next().x);
        var source = TestData.Floats(x);
        for (int i = 0; i < source.Length; i++)
        {
            Assert.AreEqual(source[i] / 255f, batch[i], 1e-6f);
        }
    }

    [TestMethod]
    public void Float64DtypeGivesFloat64Batches()
    {
        using var x = TestData.IndexedImages(4);
        using var it = new ImageDataGenerator(dtype: "float64").flow(x, batch_size: 2, shuffle: false);
        using var batch = it.next();
        Assert.AreEqual(NPTypeCode.Double, batch.x.typecode);
        Assert.AreEqual(TestData.Floats(x)[0], (float)batch.x.ToArray<double>()[0]);
    }

    [TestMethod]
    public void ChannelsFirstBatchesKeepTheirLayout()
    {
        using var x = np.random.rand(5, 3, 7, 9).astype(NPTypeCode.Single);
        using var it = new ImageDataGenerator(data_format: "channels_first", rotation_range: 10).flow(x, batch_size: 5, seed: 1);
        CollectionAssert.AreEqual(new long[] { 5, 3, 7, 9 }, it.next().x.shape);
    }

    [TestMethod]
    public void DisposedBatchBuffersAreReusedButHeldBatchesAreNot()
    {
        using var x = TestData.IndexedImages(8);
        using var it = new ImageDataGenerator().flow(x, batch_size: 4, shuffle: false);
        var held = it.next();
        var heldValues = TestData.Floats(held.x);
        var second = it.next();
        Assert.IsFalse(held.AsMemory().Span.Overlaps(second.AsMemory().Span), "distinct buffers while both are held");
        CollectionAssert.AreEqual(heldValues, TestData.Floats(held.x), "a held batch is never overwritten");

        second.Dispose();
        var third = it.next();
        CollectionAssert.AreEqual(heldValues, TestData.Floats(held.x));
        CollectionAssert.AreEqual(heldValues, TestData.Floats(third.x), "same samples as the first batch (epoch 2 unshuffled)");
    }
}
