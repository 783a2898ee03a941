using System.Collections.Concurrent;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

internal static partial class BadInputCases
{
    private const string I = "iterators";

    /// <summary>A user's own exception type, to prove it arrives as itself.</summary>
    internal sealed class UserPreprocessingException(string message) : Exception(message);

    private static IEnumerable<BadCase> IteratorCases()
    {
        var g = new ImageDataGenerator();
        var x = Images(n: 10);
        yield return Err<ArgumentOutOfRangeException>(I, "indexer -1", "idx", () => g.flow(x, batch_size: 4)[-1].Dispose(), "length 3");
        yield return Err<ArgumentOutOfRangeException>(I, "indexer len", "idx", () => g.flow(x, batch_size: 4)[3].Dispose(), "length 3");
        // Keras yields empty arrays forever from an iterator over no samples; we say why instead of crashing deep inside.
        yield return Err<InvalidOperationException>(I, "next on an empty flow", null, () => g.flow(x["0:0"], batch_size: 4).next().Dispose(), "n = 0");
        yield return Err<InvalidOperationException>(I, "next on an empty flow, prefetching", null, () => g.flow(x["0:0"], batch_size: 4, prefetch: 2).next().Dispose(), "n = 0");
        yield return Err<InvalidOperationException>(I, "next on an empty flow_from_directory", null, () =>
            g.flow_from_directory(Workspace.Shared.NewFolder(), target_size: (4, 4)).next().Dispose(), "DirectoryIterator has no samples");
        yield return Err<ObjectDisposedException>(I, "next after Dispose", null, () =>
        {
            var it = g.flow(x, batch_size: 4);
            it.Dispose();
            it.next();
        });
        yield return Err<ObjectDisposedException>(I, "indexer after Dispose", null, () =>
        {
            var it = g.flow(x, batch_size: 4, prefetch: 2);
            it.Dispose();
            _ = it[0];
        });
        yield return Ok(I, "Dispose twice", () =>
        {
            var it = g.flow(x, batch_size: 4, prefetch: 2);
            it.next().Dispose();
            it.Dispose();
            it.Dispose();
        });
        foreach (int batchSize in new[] { int.MaxValue, int.MaxValue - 1, (int.MaxValue / 2) + 2 })
        {
            yield return Ok(I, $"len for batch_size {batchSize}", () =>
            {
                using var it = g.flow(x, batch_size: batchSize, shuffle: false);
                Assert.AreEqual(1, it.len, "ceil(10 / batch_size) is 1");
                Assert.AreEqual(1, it.Count());
            });
        }

        yield return Ok(I, "KerasSequence walks the one batch of a huge batch_size", () =>
        {
            using var it = g.flow(x, batch_size: int.MaxValue, shuffle: false);
            var sequence = it.AsSequence();
            Assert.AreEqual(1, sequence.Count);
        });
        yield return Err<UserPreprocessingException>(I, "preprocessing_function throws: the user's exception", null, () =>
            ServeOne(new ImageDataGenerator(preprocessing_function: _ => throw new UserPreprocessingException("my bug")), x, prefetch: 0), "my bug");
        yield return Err<UserPreprocessingException>(I, "preprocessing_function throws with prefetch: the user's exception", null, () =>
            ServeOne(new ImageDataGenerator(preprocessing_function: _ => throw new UserPreprocessingException("my bug")), x, prefetch: 2), "my bug");
        yield return Err<UserPreprocessingException>(I, "preprocessing_function throws with workers 2: the user's exception", null, () =>
        {
            using var it = new ImageDataGenerator(preprocessing_function: _ => throw new UserPreprocessingException("my bug")).flow(x, batch_size: 10, workers: 2);
            it.next().Dispose();
        }, "my bug");
        yield return Err<UserPreprocessingException>(I, "preprocessing_function throws in the indexer", null, () =>
        {
            using var it = new ImageDataGenerator(preprocessing_function: _ => throw new UserPreprocessingException("my bug")).flow(x, batch_size: 5, prefetch: 1);
            _ = it[1];
        }, "my bug");
        yield return Err<UserPreprocessingException>(I, "preprocessing_function throws in standardize", null, () =>
            new ImageDataGenerator(preprocessing_function: _ => throw new UserPreprocessingException("my bug")).standardize(np.ones(new Shape(4, 4, 3), NPTypeCode.Single)), "my bug");
        yield return Err<UserPreprocessingException>(I, "preprocessing_function throws in standardize of a batch", null, () =>
            new ImageDataGenerator(preprocessing_function: _ => throw new UserPreprocessingException("my bug")).standardize(np.ones(new Shape(3, 4, 4, 3), NPTypeCode.Single)), "my bug");
        yield return Ok(I, "Dispose from inside preprocessing_function does not deadlock", () =>
        {
            NumSharp.NDArray? unused = null;
            NumpyArrayIterator? it = null;
            var gen = new ImageDataGenerator(preprocessing_function: img =>
            {
                it!.Dispose();
                return img;
            });
            it = gen.flow(x, batch_size: 2, prefetch: 2);
            try
            {
                it.next().Dispose();
            }
            catch (ObjectDisposedException)
            {
                // the iterator went away under the batch: a clear error, not a hang
            }

            Assert.IsNull(unused);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (it.PendingBackgroundWork > 0 && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(10);
            }

            Assert.AreEqual(0, it.PendingBackgroundWork, "the producers finished once the deferred Dispose ran");
        });
        yield return Ok(I, "a consumer blocked in next() while another thread disposes gets ObjectDisposedException", () =>
        {
            // One producer (workers: 1) stuck building batch 1; consumer A waits for batch 1, consumer B for batch 2,
            // still queued. Dispose cancels batch 2: B used to get TaskCanceledException, A a batch of a disposed iterator.
            for (int round = 0; round < 5; round++)
            {
                using var started = new ManualResetEventSlim();
                using var release = new ManualResetEventSlim();
                var gen = new ImageDataGenerator(preprocessing_function: img =>
                {
                    if (img.GetSingle(0, 0, 0) is 2f or 3f)
                    {
                        started.Set();
                        release.Wait(TimeSpan.FromSeconds(20));
                    }

                    return img;
                });
                var it = gen.flow(TestImages.Indexed(8), batch_size: 2, shuffle: false, workers: 1, prefetch: 2);
                it.next().Dispose(); // batch 0; batches 1 and 2 are now in flight
                var seen = new Exception?[2];
                var consumers = Enumerable.Range(0, 2).Select(k => new Thread(() =>
                {
                    try
                    {
                        it.next().Dispose();
                    }
                    catch (Exception e)
                    {
                        seen[k] = e;
                    }
                })).ToArray();
                consumers[0].Start();
                started.Wait(TimeSpan.FromSeconds(20));
                consumers[1].Start();
                Thread.Sleep(50); // both consumers are waiting now
                var disposer = new Thread(it.Dispose);
                disposer.Start();
                Thread.Sleep(20 * round);
                release.Set();
                foreach (var t in consumers)
                {
                    t.Join();
                }

                disposer.Join();
                foreach (var e in seen)
                {
                    Assert.IsInstanceOfType<ObjectDisposedException>(e, $"round {round}: {e}");
                }
            }
        });
        yield return Ok(I, "concurrent next() never loses or duplicates a sample", () =>
        {
            using var it = new ImageDataGenerator(horizontal_flip: true).flow(TestImages.Indexed(64), batch_size: 4, seed: 3, prefetch: 2);
            var seen = new ConcurrentBag<float>();
            Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
            {
                using var batch = it.next();
                var values = batch.x.ToArray<float>();
                for (int i = 0; i < batch.Count; i++)
                {
                    seen.Add(values[i * 4]);
                }
            });
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 64).Select(i => (float)i).ToArray(), seen.ToArray());
        });
        yield return Ok(I, "batches are identical whatever the threads and prefetch", () =>
        {
            var gen = new ImageDataGenerator(rotation_range: 30, zoom_range: 0.2, horizontal_flip: true);
            float[] Serve(int workers, int prefetch)
            {
                using var it = gen.flow(x, batch_size: 4, seed: 9, workers: workers, prefetch: prefetch);
                return [.. Enumerable.Range(0, 5).SelectMany(_ => it.next().x.ToArray<float>())];
            }

            var one = Serve(1, 0);
            CollectionAssert.AreEqual(one, Serve(2, 0));
            CollectionAssert.AreEqual(one, Serve(2, 3));
        });
        yield return Ok(I, "producer threads stay bounded for iterators dropped without Dispose", () =>
        {
            int before = KerasIterator.LiveProducerThreads;
            var gen = new ImageDataGenerator();
            for (int i = 0; i < 200; i++)
            {
                var it = gen.flow(x, batch_size: 2, prefetch: 4, workers: 4);
                it.next().Dispose(); // dropped, never disposed
            }

            Assert.IsLessThanOrEqualTo(KerasIterator.MaxProducerThreads + Math.Max(0, before), KerasIterator.LiveProducerThreads);
        });
        yield return Err<InvalidOperationException>(I, "preprocessing_function returns another shape", null, () =>
            ServeOne(new ImageDataGenerator(preprocessing_function: img => np.zeros(new Shape(2, 2, 3), NPTypeCode.Single)), x, prefetch: 0), "preprocessing_function");
        yield return Err<InvalidOperationException>(I, "preprocessing_function returns null", null, () =>
            ServeOne(new ImageDataGenerator(preprocessing_function: _ => null!), x, prefetch: 0), "preprocessing_function");
        yield return Ok(I, "reset and on_epoch_end between next() calls", () =>
        {
            using var it = g.flow(x, batch_size: 4, shuffle: false);
            var first = it.next().x.ToArray<float>();
            it.next().Dispose();
            it.reset();
            CollectionAssert.AreEqual(first, it.next().x.ToArray<float>());
            long epoch = it.epoch;
            it.on_epoch_end();
            Assert.AreEqual(epoch + 1, it.epoch);
        });
    }

    private static void ServeOne(ImageDataGenerator generator, NDArray x, int prefetch)
    {
        using var it = generator.flow(x, batch_size: 5, prefetch: prefetch);
        it.next().Dispose();
    }
}
