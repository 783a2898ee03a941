using System.Runtime.CompilerServices;
using Keras.Preprocessing.Memory.Iterators;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Iterators;

/// <summary>
/// The Keras idiom <c>var (x, y) = it.next();</c> without Dispose: dropped batches' buffers come back to the pool
/// (no fresh memory per batch), while batches — or views of them — that the caller still holds are never written.
/// </summary>
[TestClass]
[DoNotParallelize] // counts the process's collections and the pool's new buffers, which other tests' collections and thread-pool load change
public sealed class UndisposedBatchTests
{
    /// <summary>A 64x64x3 float32 batch of 32 (1.5 MiB), the size most tests here use.</summary>
    private const long BatchBytes = 32L * 64 * 64 * 3 * sizeof(float);

    /// <summary>The pool's slack for these batches: undisposed bytes it lets out before asking the collector (32 MiB: 21 of these batches).</summary>
    private static readonly long Slack = BufferPool.SlackBytes(BatchBytes);

    /// <summary>How many whole 64x64 batches fit in the slack.</summary>
    private static readonly int SlackBuffers = (int)(Slack / BatchBytes);

    [TestMethod]
    public void DroppedBatchesAreReusedSoMemoryStaysBounded()
    {
        // 64x64x3 float32, batch 32: 1.5 MiB per batch; 400 batches would be 600 MiB of fresh memory.
        using var x = TestData.IndexedImages(64, rows: 64, cols: 64);
        var generator = new ImageDataGenerator(rotation_range: 10);
        using var it = generator.flow(x, batch_size: 32, seed: 3);
        for (int i = 0; i < 400; i++)
        {
            var (xb, _) = Next(it);
            Assert.AreEqual(32L, xb.shape[0]);
        }

        Assert.IsGreaterThan(0, generator.Buffers.Collections, "the pool asked the collector for dropped batches");
        Assert.IsLessThanOrEqualTo(
            Slack + (4 * BatchBytes),
            generator.Buffers.OutstandingBytes,
            $"undisposed bytes stay bounded: {generator.Buffers.OutstandingBytes >> 20} MiB out");
    }

    [TestMethod]
    public void DroppedBatchesComeBackWithoutFreshBuffers()
    {
        // Each collection must hand back every batch dropped since the previous one (the caller holds only the
        // last), so after the first slack's worth the pool allocates nothing new: no fresh pages to fault in.
        using var x = TestData.IndexedImages(64, rows: 64, cols: 64);
        var generator = new ImageDataGenerator(rotation_range: 10);
        using var it = generator.flow(x, batch_size: 32, seed: 3);
        for (int i = 0; i < 400; i++)
        {
            _ = Next(it);
        }

        // 400 without reuse; the slack's worth plus the held batch (and one a stack slot may keep) with it.
        Assert.IsLessThanOrEqualTo(SlackBuffers + 4, generator.Buffers.Allocations, $"dropped batches come back, no fresh buffers ({Counters(generator)})");
        Assert.IsGreaterThanOrEqualTo(400 / (SlackBuffers + 2), generator.Buffers.Collections, "one collection per slack's worth");
    }

    [TestMethod]
    public void BatchesPromotedByOtherCollectionsStillComeBack()
    {
        // The program's own collections (or another pool's) while a batch is held promote it to gen 2, where the
        // pool's gen-1 collection cannot see that it was dropped: the pool must then ask for a full collection
        // rather than allocate a fresh buffer for every such batch.
        using var x = TestData.IndexedImages(64, rows: 64, cols: 64);
        var generator = new ImageDataGenerator(rotation_range: 10);
        using var it = generator.flow(x, batch_size: 32, seed: 3);
        int promoted = 0;
        for (int i = 0; i < 300; i++)
        {
            if (i % 3 == 0)
            {
                PromoteHeldBatch(it);
                promoted++;
            }
            else
            {
                _ = Next(it);
            }
        }

        // (Whether the pool ran the full collections or, in a busy test process, someone else did, is not asserted.)
        Assert.IsLessThanOrEqualTo(SlackBuffers + 6, generator.Buffers.Allocations, $"{promoted} batches promoted to gen 2 came back ({Counters(generator)})");
    }

    [TestMethod]
    public void KeptBatchesBackOffFullCollections()
    {
        // A caller that keeps every batch: full collections find nothing, so they must grow rarer (geometrically),
        // not run at every rent — and nothing the caller keeps is ever handed out again.
        using var x = TestData.IndexedImages(64, rows: 32, cols: 32);
        var generator = new ImageDataGenerator(rotation_range: 10);
        using var it = generator.flow(x, batch_size: 32, seed: 3);
        var kept = new List<NDArray>();
        for (int i = 0; i < 240; i++)
        {
            kept.Add(Next(it).X);
        }

        const long KeptBatchBytes = 32L * 32 * 32 * 3 * sizeof(float);
        int slackBuffers = (int)(BufferPool.SlackBytes(KeptBatchBytes) / KeptBatchBytes);
        Assert.IsGreaterThanOrEqualTo(240 / (slackBuffers + 1), generator.Buffers.Collections, "a collection per slack's worth ran while the batches were kept");
        Assert.IsLessThanOrEqualTo(5, generator.Buffers.FullCollections, $"full collections back off ({generator.Buffers.Collections} collections)");
        Assert.AreEqual(240, generator.Buffers.Allocations, "every kept batch has its own buffer");
        GC.KeepAlive(kept);
    }

    [TestMethod]
    public void AfterACollectionTheBatchDroppedLastIsReusedFirst()
    {
        // Its buffer was written last, so it is the likeliest still in cache; the others were written up to a
        // slack's worth of batches before. Buffers of 4 MiB, a slack's worth dropped. Whichever way they come back
        // (the pool's own collection, or finalizers after a collection the pinned allocations set off themselves),
        // the order is the same: here they all come back through the finalizers, so the outcome does not depend on
        // when the runtime collects.
        var pool = new BufferPool();
        const int Length = 1 << 20;
        int slackBuffers = (int)(BufferPool.SlackBytes(Length * sizeof(float)) / (Length * sizeof(float)));
        var dropped = new List<float[]>();
        for (int i = 0; i < slackBuffers; i++)
        {
            dropped.Add(RentAndDrop(pool, Length));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var reused = new[] { pool.Rent(Length), pool.Rent(Length), pool.Rent(Length) };

        Assert.AreEqual(slackBuffers, pool.Allocations, "the dropped buffers came back");
        Assert.AreSame(dropped[^1], reused[0], "the buffer handed out last comes back first");
        Assert.AreSame(dropped[^2], reused[1]);
        Assert.AreSame(dropped[^3], reused[2]);
    }

    [TestMethod]
    public void DisposedBatchesReuseOneBuffer()
    {
        using var x = TestData.IndexedImages(64, rows: 16, cols: 16);
        var generator = new ImageDataGenerator(rotation_range: 10);
        using var it = generator.flow(x, batch_size: 8, seed: 3);
        for (int i = 0; i < 50; i++)
        {
            using var b = it.next();
        }

        Assert.AreEqual(1, generator.Buffers.Allocations);
        Assert.AreEqual(0, generator.Buffers.Collections);
        Assert.AreEqual(0L, generator.Buffers.OutstandingBytes);
    }

    [TestMethod]
    public void HeldBatchesAndViewsAreNeverOverwritten()
    {
        using var x = TestData.IndexedImages(64, rows: 64, cols: 64);
        var generator = new ImageDataGenerator(rotation_range: 10, horizontal_flip: true);
        using var it = generator.flow(x, batch_size: 32, seed: 5);
        var (held, _) = Next(it);
        var heldValues = TestData.Floats(held);
        var view = ViewOfFirstImage(it, out float[] viewValues);
        for (int i = 0; i < 300; i++)
        {
            _ = Next(it);
        }

        Assert.IsGreaterThan(0, generator.Buffers.Collections, "collections ran while the batches were held");
        CollectionAssert.AreEqual(heldValues, TestData.Floats(held), "a held, undisposed batch keeps its values");
        CollectionAssert.AreEqual(viewValues, TestData.Floats(view), "a view outliving its batch keeps its values");
    }

    [TestMethod]
    public void UndisposedBatchesEqualDisposedOnes()
    {
        using var x = TestData.IndexedImages(64, rows: 16, cols: 16);
        var generator = new ImageDataGenerator(rotation_range: 20, zoom_range: 0.1);
        using var disposed = generator.flow(x, batch_size: 8, seed: 9);
        using var undisposed = generator.flow(x, batch_size: 8, seed: 9);
        for (int i = 0; i < 40; i++)
        {
            float[] expected;
            using (var b = disposed.next())
            {
                expected = TestData.Floats(b.x);
            }

            var (xb, _) = Next(undisposed);
            CollectionAssert.AreEqual(expected, TestData.Floats(xb), $"batch {i}");
        }
    }

    private static string Counters(ImageDataGenerator generator) =>
        $"{generator.Buffers.Collections} collections, {generator.Buffers.FullCollections} full, {generator.Buffers.OutstandingBytes >> 20} MiB out, gen-2 collections in the process {GC.CollectionCount(2)}";

    /// <summary>next() in its own frame, so the Batch object is unreachable from this test's frame afterwards.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (NDArray X, NDArray? Y) Next(NumpyArrayIterator it)
    {
        var batch = it.next();
        return (batch.x, batch.y);
    }

    /// <summary>A buffer rented and wrapped as a batch's array, which is dropped with this frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[] RentAndDrop(BufferPool pool, int length)
    {
        var buffer = pool.Rent(length);
        var array = pool.Wrap(buffer, [length]);
        Assert.AreEqual((long)length, array.size);
        return buffer;
    }

    /// <summary>next(), then two collections while its batch is held, which promote the batch to gen 2; then it is dropped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PromoteHeldBatch(NumpyArrayIterator it)
    {
        var (held, _) = Next(it);
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.KeepAlive(held);
    }

    /// <summary>A view of one image of a batch whose own arrays are dropped at once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static NDArray ViewOfFirstImage(NumpyArrayIterator it, out float[] values)
    {
        var view = it.next().x["0"];
        values = TestData.Floats(view);
        return view;
    }
}
