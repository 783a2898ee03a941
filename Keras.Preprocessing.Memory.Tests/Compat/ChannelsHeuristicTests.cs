namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// Keras's NumpyArrayIterator only warns when the channels axis holds something other than 1, 3 or 4, even for data
/// that looks like the other layout (the warning is a BadInput row), and then augments the array as the data format
/// says: so do we.
/// </summary>
[TestClass]
public sealed class ChannelsHeuristicTests
{
    [TestMethod]
    public void ChannelsFirstLookingDataIsAugmentedAsChannelsLast()
    {
        // (4, 3, 16, 16) under channels_last: 3 rows of 16 columns with 16 channels, as Keras reads it.
        using var x = TestData.IndexedImages(4, rows: 3, cols: 16, channels: 16);
        using var it = new ImageDataGenerator(horizontal_flip: false).flow(x, batch_size: 4, shuffle: false);
        using var batch = it.next();
        CollectionAssert.AreEqual(new long[] { 4, 3, 16, 16 }, batch.x.shape);
        CollectionAssert.AreEqual(TestData.Floats(x), TestData.Floats(batch.x));
    }
}
