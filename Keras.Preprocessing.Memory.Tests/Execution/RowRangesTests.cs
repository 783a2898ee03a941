using Keras.Preprocessing.Memory.Execution;

namespace Keras.Preprocessing.Memory.Tests.Execution;

/// <summary>
/// <see cref="RowRanges"/>: every chunk of every image goes to exactly one thread, whatever the owners take and the
/// thieves split, and a range is always walked top-down.
/// </summary>
[TestClass]
public sealed class RowRangesTests
{
    [TestMethod]
    public void OwnerAloneTakesEveryChunkInOrder()
    {
        var ranges = new RowRanges(images: 2, chunksPerImage: 5, spareSlots: 4);
        var taken = new List<int>();
        while (ranges.TryTake(1, out int chunk))
        {
            taken.Add(chunk);
        }

        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, taken);
        Assert.AreEqual(1, ranges.ImageOf(1));
        Assert.IsTrue(ranges.TryTake(0, out int first));
        Assert.AreEqual(0, first);
    }

    [TestMethod]
    public void ThiefTakesTheLargerHalfOfTheLargestRange()
    {
        var ranges = new RowRanges(images: 3, chunksPerImage: 9, spareSlots: 4);
        for (int k = 0; k < 4; k++)
        {
            Assert.IsTrue(ranges.TryTake(0, out _)); // image 0: chunks 4..8 left
        }

        for (int k = 0; k < 9; k++)
        {
            Assert.IsTrue(ranges.TryTake(2, out _)); // image 2: none left
        }

        // Image 1 has 9 chunks left, the most: its owner keeps 0..3, the thief gets 4..8.
        Assert.IsTrue(ranges.TrySteal(out int slot));
        Assert.AreEqual(1, ranges.ImageOf(slot));
        var stolen = new List<int>();
        while (ranges.TryTake(slot, out int chunk))
        {
            stolen.Add(chunk);
        }

        CollectionAssert.AreEqual(new[] { 4, 5, 6, 7, 8 }, stolen);
        var kept = new List<int>();
        while (ranges.TryTake(1, out int chunk))
        {
            kept.Add(chunk);
        }

        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3 }, kept);
    }

    [TestMethod]
    public void NothingToStealBelowTwoChunksOrWithoutSpareSlots()
    {
        var ranges = new RowRanges(images: 1, chunksPerImage: 4, spareSlots: 1);
        Assert.IsTrue(ranges.TryTake(0, out _));
        Assert.IsTrue(ranges.TryTake(0, out _));
        Assert.IsTrue(ranges.TrySteal(out int slot)); // 2..3: owner keeps 2, thief takes 3
        Assert.IsTrue(ranges.TryTake(slot, out int chunk));
        Assert.AreEqual(3, chunk);
        Assert.IsFalse(ranges.TrySteal(out _), "one chunk left is not split");

        var full = new RowRanges(images: 1, chunksPerImage: 64, spareSlots: 1);
        Assert.IsTrue(full.TrySteal(out _));
        Assert.IsFalse(full.TrySteal(out _), "no spare slot left");
        Assert.IsFalse(new RowRanges(images: 1, chunksPerImage: 1, spareSlots: 4).TrySteal(out _));
    }

    [TestMethod]
    public void UnderContentionEveryChunkIsTakenExactlyOnceAndTopDownPerRange()
    {
        const int Images = 6, Chunks = 37, Threads = 8;
        for (int round = 0; round < 50; round++)
        {
            var ranges = new RowRanges(Images, Chunks, spareSlots: 4 * Threads * 8);
            var counts = new int[Images * Chunks];
            int nextImage = 0;
            int disorder = 0;
            using var start = new Barrier(Threads);
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                void Walk(int slot)
                {
                    int image = ranges.ImageOf(slot), last = -1;
                    while (ranges.TryTake(slot, out int chunk))
                    {
                        if (chunk <= last)
                        {
                            Interlocked.Increment(ref disorder);
                        }

                        last = chunk;
                        Interlocked.Increment(ref counts[(image * Chunks) + chunk]);
                        Thread.SpinWait(t * 20); // owners and thieves at different speeds
                    }
                }

                for (int s = Interlocked.Increment(ref nextImage) - 1; s < Images; s = Interlocked.Increment(ref nextImage) - 1)
                {
                    Walk(s);
                }

                while (ranges.TrySteal(out int slot))
                {
                    Walk(slot);
                }
            })).ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            Assert.AreEqual(0, disorder, "a range is walked top-down");
            CollectionAssert.AreEqual(Enumerable.Repeat(1, Images * Chunks).ToArray(), counts, $"round {round}: every chunk exactly once");
        }
    }
}
