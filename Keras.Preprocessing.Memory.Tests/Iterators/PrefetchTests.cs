using Keras.Preprocessing.Memory;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Iterators;

/// <summary>The prefetching iterator (a producer thread computing batches ahead) against the plain one.</summary>
[TestClass]
public sealed class PrefetchTests
{
    private const int Count = 50, Rows = 12, Cols = 10, Channels = 3;

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void PrefetchedBatchesEqualPlainOnesAcrossEpochs(int prefetch)
    {
        using var x = Images();
        using var y = Labels();
        var generator = Generator();
        using var plain = generator.flow(x, y, batch_size: 8, seed: 5);
        using var ahead = generator.flow(x, y, batch_size: 8, seed: 5, prefetch: prefetch);
        for (int i = 0; i < 3 * plain.len; i++)
        {
            using var expected = plain.next();
            using var actual = ahead.next();
            AssertSameBatch(expected, actual, $"batch {i}");
        }

        Assert.AreEqual(plain.epoch, ahead.epoch);
        Assert.AreEqual(plain.batch_index, ahead.batch_index);
    }

    [TestMethod]
    public void ResetAndEpochEndDropWhatWasComputedAhead()
    {
        using var x = Images();
        using var y = Labels();
        var generator = Generator();
        using var plain = generator.flow(x, y, batch_size: 8, seed: 9);
        using var ahead = generator.flow(x, y, batch_size: 8, seed: 9, prefetch: 2);
        for (int step = 0; step < 4; step++)
        {
            for (int i = 0; i < 2; i++)
            {
                using var expected = plain.next();
                using var actual = ahead.next();
                AssertSameBatch(expected, actual, $"step {step} batch {i}");
            }

            if (step % 2 == 0)
            {
                plain.reset();
                ahead.reset();
            }
            else
            {
                plain.on_epoch_end();
                ahead.on_epoch_end();
            }
        }
    }

    [TestMethod]
    public void IdleProducersExitAndComeBack()
    {
        using var x = Images();
        using var y = Labels();
        var generator = Generator();
        using var plain = generator.flow(x, y, batch_size: 8, seed: 4);
        using var ahead = generator.flow(x, y, batch_size: 8, seed: 4, prefetch: 1);
        ahead.ProducerIdleMilliseconds = 20;
        for (int i = 0; i < 4; i++)
        {
            using var expected = plain.next();
            using var actual = ahead.next();
            AssertSameBatch(expected, actual, $"batch {i}");

            // Long enough for the producers to find no work and exit; the next call must start them again.
            Thread.Sleep(100);
        }
    }

    [TestMethod]
    public void DisposeWithBatchesInFlightStopsCleanly()
    {
        using var x = Images();
        var generator = Generator();
        var it = generator.flow(x, batch_size: 4, seed: 1, prefetch: 4);
        using (it.next())
        {
        }

        it.Dispose();
        it.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => it.next());
    }

    [TestMethod]
    public void ConcurrentCallersGetDistinctWholeBatches()
    {
        using var x = Images();
        using var y = Labels();
        var generator = Generator();
        using var it = generator.flow(x, y, batch_size: 5, shuffle: false, seed: 2, prefetch: 2);
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, it.len, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            using var batch = it.next();
            foreach (int index in batch.index_array)
            {
                seen.Add(index);
            }
        });

        CollectionAssert.AreEquivalent(Enumerable.Range(0, Count).ToArray(), seen.ToArray());
    }

    private static ImageDataGenerator Generator() => new(
        rotation_range: 20, width_shift_range: 0.1, height_shift_range: 0.1, shear_range: 0.1, zoom_range: 0.1, horizontal_flip: true);

    private static NDArray Images()
    {
        var random = new Random(3);
        var values = new float[Count * Rows * Cols * Channels];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        return new NDArray(values, new Shape(Count, Rows, Cols, Channels));
    }

    private static NDArray Labels() => new NDArray(Enumerable.Range(0, Count).ToArray(), new Shape(Count));

    private static void AssertSameBatch(Batch expected, Batch actual, string what)
    {
        CollectionAssert.AreEqual(expected.index_array, actual.index_array, $"{what}: index_array");
        CollectionAssert.AreEqual(Fixture.Floats(expected.x), Fixture.Floats(actual.x), $"{what}: x");
        CollectionAssert.AreEqual(Fixture.Doubles(expected.y!), Fixture.Doubles(actual.y!), $"{what}: y");
    }
}
