using Keras.Preprocessing.Memory.Iterators;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Interop;

/// <summary>A batch's data as spans, memory and int shapes, viewing the batch's own storage.</summary>
[TestClass]
public sealed class BatchInteropTests
{
    [TestMethod]
    public void ImagesAsSpanAndMemoryMatchTheNDArrayWithIntShape()
    {
        using var x = TestImages.RandomUInt8(10, 4, 5, 3, seed: 1);
        using var it = new ImageDataGenerator(rotation_range: 20).flow(x, batch_size: 4, seed: 2);
        using var batch = it.next();

        CollectionAssert.AreEqual(new[] { 4, 4, 5, 3 }, batch.x_shape);
        var expected = batch.x.ToArray<float>();
        CollectionAssert.AreEqual(expected, batch.AsSpan().ToArray());
        CollectionAssert.AreEqual(expected, batch.AsSpan<float>().ToArray());
        CollectionAssert.AreEqual(expected, batch.AsMemory<float>().ToArray());
        Assert.AreEqual(expected.Length, batch.AsMemory().Length);
    }

    [TestMethod]
    public void MemoryViewsTheBatchWithoutACopy()
    {
        using var x = TestImages.RandomUInt8(3, 2, 2, 1, seed: 3);
        using var it = new ImageDataGenerator().flow(x, batch_size: 3, shuffle: false);
        using var batch = it.next();

        batch.AsMemory<float>().Span[0] = -7f;

        Assert.AreEqual(-7f, batch.x.GetSingle(0, 0, 0, 0));
        Assert.AreEqual(-7f, batch.AsSpan()[0]);
    }

    [TestMethod]
    public void Float64BatchesAreReadAsDouble()
    {
        using var x = TestImages.RandomUInt8(4, 3, 3, 1, seed: 4);
        using var it = new ImageDataGenerator(dtype: "float64").flow(x, batch_size: 2, shuffle: false);
        using var batch = it.next();

        CollectionAssert.AreEqual(batch.x.ToArray<double>(), batch.AsSpan<double>().ToArray());
        CollectionAssert.AreEqual(batch.x.ToArray<double>(), batch.AsMemory<double>().ToArray());
        Assert.ThrowsExactly<InvalidOperationException>(() => batch.AsSpan().Length);
        var wrongType = Assert.ThrowsExactly<InvalidOperationException>(() => batch.AsSpan<float>().Length);
        Assert.Contains("Double", wrongType.Message);
    }

    [TestMethod]
    public void LabelsAndWeightsKeepTheirDtype()
    {
        using var x = TestImages.RandomUInt8(6, 2, 2, 1, seed: 5);
        using var y = new NDArray(new[] { 10, 11, 12, 13, 14, 15 }, new Shape(6));
        using var w = new NDArray(new[] { 0.5, 1.5, 2.5, 3.5, 4.5, 5.5 }, new Shape(6));
        using var it = new ImageDataGenerator().flow(x, y, batch_size: 4, shuffle: true, sample_weight: w, seed: 6);
        using var batch = it.next();

        CollectionAssert.AreEqual(new[] { 4 }, batch.y_shape);
        CollectionAssert.AreEqual(new[] { 4 }, batch.sample_weight_shape);
        var expectedLabels = batch.index_array.Select(i => 10 + i).ToArray();
        CollectionAssert.AreEqual(expectedLabels, batch.LabelsAsSpan<int>().ToArray());
        CollectionAssert.AreEqual(expectedLabels, batch.LabelsAsMemory<int>().ToArray());
        var expectedWeights = batch.index_array.Select(i => i + 0.5).ToArray();
        CollectionAssert.AreEqual(expectedWeights, batch.SampleWeightAsSpan<double>().ToArray());
        CollectionAssert.AreEqual(expectedWeights, batch.SampleWeightAsMemory<double>().ToArray());

        var wrongType = Assert.ThrowsExactly<InvalidOperationException>(() => batch.LabelsAsSpan<float>().Length);
        Assert.Contains("Int32", wrongType.Message);
    }

    [TestMethod]
    public void OneHotLabelsHaveTheirTwoDimensionalShape()
    {
        using var x = TestImages.RandomUInt8(5, 2, 2, 1, seed: 7);
        using var y = KerasUtils.to_categorical(new[] { 0, 2, 1, 2, 0 }, num_classes: 3);
        using var it = new ImageDataGenerator().flow(x, y, batch_size: 5, shuffle: false);
        using var batch = it.next();

        CollectionAssert.AreEqual(new[] { 5, 3 }, batch.y_shape);
        CollectionAssert.AreEqual(new[] { 1f, 0f, 0f, 0f, 0f, 1f }, batch.LabelsAsSpan<float>()[..6].ToArray());
    }

    [TestMethod]
    public void MissingLabelsOrWeightsSayWhy()
    {
        using var x = TestImages.RandomUInt8(2, 2, 2, 1, seed: 8);
        using var it = new ImageDataGenerator().flow(x, batch_size: 2);
        using var batch = it.next();

        Assert.IsNull(batch.y_shape);
        Assert.IsNull(batch.sample_weight_shape);
        Assert.Contains("without `y`", Assert.ThrowsExactly<InvalidOperationException>(() => batch.LabelsAsSpan<float>().Length).Message);
        Assert.Contains("without `sample_weight`", Assert.ThrowsExactly<InvalidOperationException>(() => batch.SampleWeightAsMemory<float>()).Message);
    }

    [TestMethod]
    public void ChannelsFirstShapeIsReportedAsIs()
    {
        using var x = TestImages.RandomUInt8(3, 1, 4, 6, seed: 9);
        using var it = new ImageDataGenerator(data_format: "channels_first").flow(x, batch_size: 3);
        using Batch batch = it.next();

        CollectionAssert.AreEqual(new[] { 3, 1, 4, 6 }, batch.x_shape);
        Assert.HasCount(3 * 4 * 6, batch.AsSpan().ToArray());
    }
}
