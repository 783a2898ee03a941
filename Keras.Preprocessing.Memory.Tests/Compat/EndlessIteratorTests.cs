using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// <c>repeat()</c>, the endless form Python's <c>for batch in it</c> and <c>zip(image_gen, mask_gen)</c> walk, next to
/// <c>foreach</c>, which ends after one epoch.
/// </summary>
[TestClass]
public sealed class EndlessIteratorTests
{
    [TestMethod]
    public void ForeachEndsAfterOneEpochWhileRepeatCrossesEpochs()
    {
        using var x = TestData.IndexedImages(5);
        var g = new ImageDataGenerator();
        using var once = g.flow(x, batch_size: 2, shuffle: false);
        Assert.AreEqual(3, once.Count());

        using var endless = g.flow(x, batch_size: 2, shuffle: false);
        var sizes = endless.repeat().Take(7).Select(b => b.Count).ToArray();

        // Two whole epochs (2, 2, 1) and the start of a third, as Python's next() serves them.
        CollectionAssert.AreEqual(new[] { 2, 2, 1, 2, 2, 1, 2 }, sizes);
        Assert.AreEqual(2, endless.epoch);
    }

    [TestMethod]
    public void RepeatContinuesWhereNextStands()
    {
        using var x = TestData.IndexedImages(6);
        using var it = new ImageDataGenerator().flow(x, TestData.Labels(6), batch_size: 2, shuffle: false);
        using (it.next())
        {
        }

        var first = it.repeat().First();
        CollectionAssert.AreEqual(new[] { 2, 3 }, first.index_array);
        CollectionAssert.AreEqual(new[] { 4, 5 }, it.repeat().First().index_array);
    }

    [TestMethod]
    public void ImageAndMaskGeneratorsWithTheSameSeedZipInStep()
    {
        // The Keras docs' segmentation example: two generators, the same arguments and seed, zipped. Each sample's
        // transform depends on (seed, epoch, sample) and the image size only, so the one-channel masks move exactly as
        // the images' first channel does.
        using var images = TestData.IndexedImages(6, rows: 12, cols: 10, channels: 3);
        using var masks = images[":, :, :, :1"].copy();
        var args = () => new ImageDataGenerator(rotation_range: 40, width_shift_range: 0.2, zoom_range: 0.2, horizontal_flip: true);
        using var image_generator = args().flow(images, batch_size: 4, seed: 7);
        using var mask_generator = args().flow(masks, batch_size: 4, seed: 7);

        int steps = 0;
        foreach (var (image, mask) in image_generator.repeat().Zip(mask_generator.repeat()).Take(5))
        {
            CollectionAssert.AreEqual(image.index_array, mask.index_array);
            using var firstChannel = image.x[":, :, :, :1"].copy();
            var expected = TestData.Floats(firstChannel);
            var actual = TestData.Floats(mask.x);
            Assert.HasCount(expected.Length, actual);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], 1e-5f, $"step {steps}, element {i}");
            }

            steps++;
        }

        Assert.AreEqual(5, steps);
    }

    [TestMethod]
    public void RepeatOnAnEmptyIteratorEndsAtOnce()
    {
        using var it = new ImageDataGenerator().flow(np.zeros(new Shape(0, 4, 4, 3), NPTypeCode.Single), batch_size: 2);
        Assert.IsFalse(it.repeat().Any());
    }

    [TestMethod]
    public void RepeatOnADisposedIteratorThrows()
    {
        using var x = TestData.IndexedImages(2);
        var it = new ImageDataGenerator().flow(x, batch_size: 2);
        it.Dispose();
        Assert.Throws<ObjectDisposedException>(() => it.repeat());
    }
}
