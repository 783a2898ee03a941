using Keras.Preprocessing.Memory.Iterators;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Interop;

/// <summary>The Keras Sequence contract and the async batch stream built on it.</summary>
[TestClass]
public sealed class KerasSequenceTests
{
    [TestMethod]
    public void IteratorAsSequenceServesTheIteratorsBatches()
    {
        using var x = TestImages.Indexed(10);
        using var it = new ImageDataGenerator().flow(x, batch_size: 4, seed: 1);
        using var twin = new ImageDataGenerator().flow(x, batch_size: 4, seed: 1);
        KerasSequence sequence = it;

        Assert.AreEqual(3, sequence.len);
        Assert.AreEqual(3, sequence.Count);
        for (int i = 0; i < sequence.len; i++)
        {
            using var a = sequence[i];
            using var b = twin[i];
            CollectionAssert.AreEqual(b.index_array, a.index_array);
        }

        sequence.on_epoch_end();
        Assert.AreEqual(1, it.epoch);
    }

    [TestMethod]
    public void EnumeratingASequenceWalksOneEpochThenEndsIt()
    {
        var sequence = new CountingSequence(batches: 3);

        var seen = sequence.Select(b =>
        {
            using (b)
            {
                return b.index_array[0];
            }
        }).ToArray();

        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, seen);
        Assert.AreEqual(1, sequence.EpochsEnded);
    }

    [TestMethod]
    public async Task AsyncStreamYieldsEveryEpochInOrderAndEndsEachEpoch()
    {
        using var x = TestImages.Indexed(10);
        using var it = new ImageDataGenerator().flow(x, batch_size: 4, seed: 3);
        using var reference = new ImageDataGenerator().flow(x, batch_size: 4, seed: 3);
        var expected = new List<int[]>();
        for (int e = 0; e < 3; e++)
        {
            for (int i = 0; i < reference.len; i++)
            {
                using var b = reference[i];
                expected.Add(b.index_array);
            }

            reference.on_epoch_end();
        }

        var actual = new List<int[]>();
        await foreach (var batch in it.AsAsyncEnumerable(epochs: 3))
        {
            using (batch)
            {
                actual.Add(batch.index_array);
                CollectionAssert.AreEqual(batch.index_array, batch.AsSpan().ToArray().Where((_, k) => k % 4 == 0).Select(v => (int)v).ToArray());
            }
        }

        Assert.HasCount(expected.Count, actual);
        for (int k = 0; k < expected.Count; k++)
        {
            CollectionAssert.AreEqual(expected[k], actual[k], $"batch {k}");
        }

        Assert.AreEqual(3, it.epoch);
    }

    [TestMethod]
    public async Task CustomSequencesStreamToo()
    {
        var sequence = new CountingSequence(batches: 2);
        var seen = new List<int>();

        await foreach (var batch in sequence.AsAsyncEnumerable(epochs: 2))
        {
            using (batch)
            {
                seen.Add(batch.index_array[0]);
            }
        }

        CollectionAssert.AreEqual(new[] { 0, 1, 0, 1 }, seen);
        Assert.AreEqual(2, sequence.EpochsEnded);
        Assert.AreEqual(0, sequence.Outstanding);
    }

    [TestMethod]
    public async Task CancellationStopsTheLoopAndDisposesTheBatchBuiltAhead()
    {
        var sequence = new CountingSequence(batches: 100);
        using var cts = new CancellationTokenSource();
        int consumed = 0;

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in sequence.AsAsyncEnumerable(epochs: 5, cts.Token))
            {
                batch.Dispose();
                if (++consumed == 3)
                {
                    cts.Cancel();
                }
            }
        });

        Assert.AreEqual(3, consumed);
        await WaitUntil(() => sequence.Outstanding == 0);
        Assert.AreEqual(0, sequence.Outstanding, "the batch built ahead was not disposed");
    }

    [TestMethod]
    public async Task WithCancellationIsHonouredAndBreakingEarlyCleansUp()
    {
        var sequence = new CountingSequence(batches: 10);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in sequence.AsAsyncEnumerable(epochs: 1).WithCancellation(cts.Token))
            {
                batch.Dispose();
            }
        });

        await foreach (var batch in sequence.AsAsyncEnumerable(epochs: 1))
        {
            batch.Dispose();
            break;
        }

        await WaitUntil(() => sequence.Outstanding == 0);
        Assert.AreEqual(0, sequence.Outstanding);
    }

    [TestMethod]
    public void NegativeEpochsAreRefused()
    {
        var sequence = new CountingSequence(batches: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() => sequence.AsAsyncEnumerable(epochs: -1).GetAsyncEnumerator().MoveNextAsync().AsTask().GetAwaiter().GetResult());
        Assert.AreEqual("epochs", error.ParamName);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>A user-written Sequence, as Keras users subclass keras.utils.Sequence: batch i holds the one-image array i.</summary>
    private sealed class CountingSequence(int batches) : KerasSequence
    {
        private int _outstanding;

        public int EpochsEnded { get; private set; }

        public int Outstanding => Volatile.Read(ref _outstanding);

        public override int len => batches;

        public override Batch this[int index]
        {
            get
            {
                Interlocked.Increment(ref _outstanding);
                var image = new NDArray(new float[] { index }, new Shape(1, 1, 1, 1));
                return new Batch(image, [image], null, null, [index], null, _ => Interlocked.Decrement(ref _outstanding));
            }
        }

        public override void on_epoch_end() => EpochsEnded++;
    }
}
