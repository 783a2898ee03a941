using System.Collections.Concurrent;
using System.Diagnostics;

namespace Keras.Preprocessing.Memory.Tests.Flow;

/// <summary>Batches depend on (seed, epoch, sample) only: not on threads, prefetch, or who asks first.</summary>
[TestClass]
public sealed class DeterminismTests
{
    private static ImageDataGenerator Augmenting() => new(
        rotation_range: 25, width_shift_range: 0.15, height_shift_range: 2, shear_range: 10, zoom_range: 0.2,
        channel_shift_range: 0.2, horizontal_flip: true, vertical_flip: true, fill_mode: "reflect", samplewise_center: true);

    [TestMethod]
    public void IdenticalAcrossWorkerCountsAndPrefetchDepths()
    {
        using var x = TestData.IndexedImages(70, rows: 40, cols: 30);
        var generator = Augmenting();
        float[][] Run(int workers, int prefetch)
        {
            using var it = generator.flow(x, TestData.Labels(70), batch_size: 16, seed: 77, workers: workers, prefetch: prefetch);
            return Enumerable.Range(0, 10).Select(_ =>
            {
                using var b = it.next();
                return TestData.Floats(b.x).Concat(TestData.Floats(b.y!)).ToArray();
            }).ToArray();
        }

        var reference = Run(1, 0);
        foreach (var (workers, prefetch) in new[] { (2, 0), (8, 0), (1, 3), (2, 1), (8, 4) })
        {
            var run = Run(workers, prefetch);
            for (int i = 0; i < reference.Length; i++)
            {
                CollectionAssert.AreEqual(reference[i], run[i], $"batch {i} with workers={workers}, prefetch={prefetch}");
            }
        }
    }

    [TestMethod]
    public void ConcurrentConsumersGetWholeDistinctBatchesCoveringEachEpochOnce()
    {
        const int n = 205, batchSize = 7, epochs = 3; // 29 full batches and a short one
        using var x = TestData.IndexedImages(n, rows: 5, cols: 5, channels: 1);
        foreach (int prefetch in new[] { 0, 2 })
        {
            using var it = new ImageDataGenerator(rotation_range: 10).flow(x, TestData.Labels(n), batch_size: batchSize, seed: 4, prefetch: prefetch);
            var seen = new ConcurrentBag<(long Epoch, int[] Labels)>();
            int total = it.len * epochs;
            int taken = 0;
            var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
            {
                while (Interlocked.Increment(ref taken) <= total)
                {
                    using var batch = it.next();
                    seen.Add((0, TestData.Ints(batch.y!)));
                }
            })).ToArray();
            foreach (var t in threads)
            {
                t.Start();
            }

            foreach (var t in threads)
            {
                t.Join();
            }

            var all = seen.SelectMany(s => s.Labels).ToArray();
            Assert.HasCount(n * epochs, all, $"prefetch {prefetch}: every sample served, none twice beyond the epochs");
            foreach (var group in all.GroupBy(v => v))
            {
                Assert.AreEqual(epochs, group.Count(), $"sample {group.Key} served {group.Count()} times in {epochs} epochs (prefetch {prefetch})");
            }

            Assert.HasCount(epochs * it.len, seen, "whole batches only");
        }
    }

    [TestMethod]
    public void DisposeMidEpochStopsBackgroundWork()
    {
        using var x = TestData.IndexedImages(64, rows: 64, cols: 64);
        var it = Augmenting().flow(x, batch_size: 8, seed: 1, prefetch: 4);
        it.next().Dispose();
        var watch = Stopwatch.StartNew();
        it.Dispose();
        Assert.IsLessThan(10_000, watch.ElapsedMilliseconds, "dispose waits only for batches already being computed");
        Assert.ThrowsExactly<ObjectDisposedException>(() => it.next());
        Assert.ThrowsExactly<ObjectDisposedException>(() => it[0]);

        // Every background build, including the prefetched ones nobody took, has finished.
        Assert.AreEqual(0, it.PendingBackgroundWork);
    }
}
