using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Iterators;

/// <summary>
/// <c>it.index_array</c> across a script's life (Keras's <c>Iterator</c>: <c>_set_index_array</c> runs when
/// <c>_flow_index</c> starts an epoch, in <c>__getitem__</c> when there is no order yet, and in <c>on_epoch_end</c>).
/// Under <c>numpy_random</c> the orders are Keras's own; the values below are what keras_preprocessing 1.1.0 prints
/// for <c>ImageDataGenerator().flow(np.zeros((7, 2, 2, 1)), batch_size=3, shuffle=True, seed=1)</c>.
/// </summary>
[TestClass]
public sealed class IndexArrayTimelineTests
{
    private static readonly int[] FirstEpoch = [6, 2, 1, 0, 4, 3, 5];   // after next(it)
    private static readonly int[] SecondEpoch = [4, 6, 3, 0, 1, 5, 2];  // after the 4th next(it)
    private static readonly int[] AfterEpochEnd = [5, 1, 0, 3, 6, 2, 4]; // it.on_epoch_end() after that

    [TestMethod]
    public void NumpyModeFollowsKerasOrderTimeline()
    {
        using var x = np.zeros(new Shape(7, 2, 2, 1), NPTypeCode.Single);
        using var it = new ImageDataGenerator(numpy_random: true).flow(x, batch_size: 3, shuffle: true, seed: 1);

        Assert.IsEmpty(it.index_array, "Keras: None before the first batch");
        it.next().Dispose();
        CollectionAssert.AreEqual(FirstEpoch, it.index_array);
        it.next().Dispose();
        it.next().Dispose();
        Assert.AreEqual(0, it.batch_index);
        CollectionAssert.AreEqual(FirstEpoch, it.index_array, "the finished epoch's order stays until the next batch");
        it.next().Dispose();
        CollectionAssert.AreEqual(SecondEpoch, it.index_array);
        it.on_epoch_end();
        CollectionAssert.AreEqual(AfterEpochEnd, it.index_array);
        it.next().Dispose(); // batch_index is 1: no new order
        CollectionAssert.AreEqual(AfterEpochEnd, it.index_array);
    }

    [TestMethod]
    public void NumpyModeIndexerDrawsTheFirstOrderAsKerasGetitemDoes()
    {
        using var x = np.zeros(new Shape(7, 2, 2, 1), NPTypeCode.Single);
        using var it = new ImageDataGenerator(numpy_random: true).flow(x, batch_size: 3, shuffle: true, seed: 1);

        it[1].Dispose();

        CollectionAssert.AreEqual(FirstEpoch, it.index_array);
    }

    [TestMethod]
    public void DefaultModeShowsTheOrderTheFirstEpochWillServe()
    {
        // Ours (porting.md, "Where we differ"): the order exists before the first batch, and it is the one served.
        using var x = TestImages.Indexed(7);
        using var it = new ImageDataGenerator().flow(x, batch_size: 3, shuffle: true, seed: 4);
        var before = it.index_array;

        var served = new List<int>();
        for (int b = 0; b < it.len; b++)
        {
            using var batch = it.next();
            served.AddRange(batch.index_array);
            CollectionAssert.AreEqual(before, it.index_array, $"during the epoch, after batch {b}");
        }

        CollectionAssert.AreEqual(before, served);
        it.next().Dispose();
        CollectionAssert.AreNotEqual(before, it.index_array, "the second epoch's order");
    }
}
