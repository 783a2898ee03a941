using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Generator;

/// <summary>validation_split and subset split the data as Keras does: validation first, training after.</summary>
[TestClass]
public sealed class SubsetTests
{
    [TestMethod]
    public void SplitsAtIntOfNTimesSplit()
    {
        using var x = TestData.IndexedImages(10);
        using var labels = new NDArray(new[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }, new Shape(10));
        var g = new ImageDataGenerator(validation_split: 0.25);
        using var validation = g.flow(x, labels, batch_size: 10, shuffle: false, subset: "validation");
        using var training = g.flow(x, labels, batch_size: 10, shuffle: false, subset: "training");

        Assert.AreEqual(2, validation.n); // int(10 * 0.25)
        Assert.AreEqual(8, training.n);
        var size = 8 * 6 * 3;
        var source = TestData.Floats(x);
        CollectionAssert.AreEqual(source.AsSpan(0, 2 * size).ToArray(), TestData.Floats(validation.next().x));
        CollectionAssert.AreEqual(source.AsSpan(2 * size).ToArray(), TestData.Floats(training.next().x));
    }

    [TestMethod]
    public void DifferentClassesAcrossTheSplitThrowUnlessIgnored()
    {
        using var x = TestData.IndexedImages(10);
        using var sorted = new NDArray(new[] { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 }, new Shape(10));
        var g = new ImageDataGenerator(validation_split: 0.3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => g.flow(x, sorted, subset: "training"));
        StringAssert.Contains(e.Message, "different number of classes after the split");

        using var it = g.flow(x, sorted, subset: "training", ignore_class_split: true);
        Assert.AreEqual(7, it.n);
    }
}
