using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// <c>datagen.standardize(batch)</c> with featurewise statistics assigned in shapes numpy broadcasts over the whole
/// rank-4 batch, (1, 1, 1, C) included (Keras's <c>x -= self.mean</c>; Fixtures/standardize_broadcast, from
/// keras_preprocessing 1.1.0), and numpy's errors for the shapes it refuses.
/// </summary>
[TestClass]
public sealed class StandardizeBroadcastTests
{
    public static IEnumerable<object[]> Cases => Fixture.Cases("standardize_broadcast");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void BatchStatisticsOfBroadcastShapesMatchKeras(string name)
    {
        var c = Fixture.Case("standardize_broadcast", name);
        var g = new ImageDataGenerator(
            featurewise_center: true,
            featurewise_std_normalization: true,
            data_format: c.GetProperty("data_format").GetString()!);
        g.mean = Fixture.Load(c.GetProperty("mean").GetString()!);
        g.std = Fixture.Load(c.GetProperty("std").GetString()!);
        using var x = Fixture.Load(c.GetProperty("x").GetString()!);
        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);

        using var actual = g.standardize(x);

        CollectionAssert.AreEqual(expected.shape, actual.shape);
        Assert.IsLessThanOrEqualTo(1e-5, Fixture.MaxAbsDiff(actual, expected), name);
    }

    [TestMethod]
    public void RankFourStatisticOnOneImageFailsAsNumpyDoes()
    {
        // Keras: ValueError: non-broadcastable output operand with shape (3,4,3) doesn't match the broadcast shape (1,3,4,3)
        var g = new ImageDataGenerator(featurewise_center: true) { mean = np.ones(new Shape(1, 1, 1, 3), np.float32) };
        using var image = np.zeros(new Shape(3, 4, 3), np.float32);

        var e = Assert.ThrowsExactly<ArgumentException>(() => g.standardize(image).Dispose());

        Assert.AreEqual("mean", e.ParamName);
        StringAssert.StartsWith(e.Message, "non-broadcastable output operand with shape (3,4,3) doesn't match the broadcast shape (1,3,4,3)");
    }

    [TestMethod]
    public void RankFourStatisticInFlowFailsAsKerasPerImageStandardizeDoes()
    {
        var g = new ImageDataGenerator(featurewise_center: true) { mean = np.ones(new Shape(1, 1, 1, 3), np.float32) };
        using var x = np.zeros(new Shape(2, 3, 4, 3), np.float32);
        using var it = g.flow(x, batch_size: 2, shuffle: false);

        var e = Assert.ThrowsExactly<ArgumentException>(() => it.next().Dispose());

        StringAssert.StartsWith(e.Message, "non-broadcastable output operand with shape (3,4,3)");
    }

    [TestMethod]
    public void IncompatibleLeadingAxisFailsAsNumpyDoes()
    {
        // Keras: ValueError: operands could not be broadcast together with shapes (2,3,4,3) (3,1,1,3) (2,3,4,3)
        var g = new ImageDataGenerator(featurewise_std_normalization: true) { std = np.ones(new Shape(3, 1, 1, 3), np.float32) };
        using var x = np.zeros(new Shape(2, 3, 4, 3), np.float32);

        var e = Assert.ThrowsExactly<ArgumentException>(() => g.standardize(x).Dispose());

        Assert.AreEqual("std", e.ParamName);
        StringAssert.StartsWith(e.Message, "operands could not be broadcast together with shapes (2,3,4,3) (3,1,1,3) (2,3,4,3) ");
    }

    [TestMethod]
    public void PerSampleStatisticsAreRefusedNamingThem()
    {
        // numpy broadcasts (2, 1, 1, 3) over a batch of 2 (one mean per sample); the engines take one for the batch.
        var g = new ImageDataGenerator(featurewise_center: true) { mean = np.ones(new Shape(2, 1, 1, 3), np.float32) };
        using var x = np.zeros(new Shape(2, 3, 4, 3), np.float32);

        var e = Assert.ThrowsExactly<ArgumentException>(() => g.standardize(x).Dispose());

        Assert.AreEqual("mean", e.ParamName);
        StringAssert.Contains(e.Message, "per-sample");
    }
}
