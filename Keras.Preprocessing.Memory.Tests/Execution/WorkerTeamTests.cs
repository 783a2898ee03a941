using Keras.Preprocessing.Memory.Execution;

namespace Keras.Preprocessing.Memory.Tests.Execution;

/// <summary>
/// <see cref="WorkerTeam"/>: every item runs exactly once, before TryRun returns, on no more threads than asked,
/// with several callers at once, and an item's exception reaches the caller.
/// </summary>
[TestClass]
public sealed class WorkerTeamTests
{
    [TestMethod]
    public void EveryItemRunsOnceBeforeTryRunReturns()
    {
        var team = WorkerTeam.Shared;
        foreach (int items in new[] { 0, 1, 2, 3, 17, 1000 })
        {
            foreach (int threads in new[] { 1, 2, Environment.ProcessorCount, 64 })
            {
                var counts = new int[items];
                var ran = team.TryRun(items, threads, i =>
                {
                    Thread.SpinWait(200);
                    Interlocked.Increment(ref counts[i]);
                });
                Assert.IsTrue(ran, "a lone caller always gets the team");
                CollectionAssert.AreEqual(Enumerable.Repeat(1, items).ToArray(), counts, $"{items} items on {threads} threads");
            }
        }
    }

    [TestMethod]
    public void NoMoreThreadsThanAsked()
    {
        foreach (int threads in new[] { 1, 2, 3 })
        {
            int inside = 0, most = 0;
            WorkerTeam.Shared.TryRun(200, threads, _ =>
            {
                int now = Interlocked.Increment(ref inside);
                int seen;
                while (now > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, now, seen) != seen)
                {
                }

                Thread.SpinWait(2000);
                Interlocked.Decrement(ref inside);
            });
            Assert.IsLessThanOrEqualTo(Math.Min(threads, Environment.ProcessorCount), most, $"{most} threads at once, {threads} asked");
        }
    }

    [TestMethod]
    public void SeveralCallersAtOnceEachGetTheirWholeBatch()
    {
        const int Callers = 12, Items = 300;
        var counts = new int[Callers, Items];
        int pooled = 0;
        using var start = new Barrier(Callers);
        var threads = Enumerable.Range(0, Callers).Select(c => new Thread(() =>
        {
            start.SignalAndWait();
            for (int batch = 0; batch < 20; batch++)
            {
                void Body(int i) => Interlocked.Increment(ref counts[c, i]);
                if (!WorkerTeam.Shared.TryRun(Items, 4, Body))
                {
                    // As the CPU engine does when every slot is taken.
                    Interlocked.Increment(ref pooled);
                    Parallel.For(0, Items, Body);
                }
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

        for (int c = 0; c < Callers; c++)
        {
            for (int i = 0; i < Items; i++)
            {
                Assert.AreEqual(20, counts[c, i], $"caller {c} item {i} (batches on the pool: {pooled})");
            }
        }
    }

    [TestMethod]
    public void AnItemsExceptionReachesTheCallerAndTheTeamGoesOn()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => WorkerTeam.Shared.TryRun(64, 2, i =>
        {
            Thread.SpinWait(500);
            if (i == 40)
            {
                throw new InvalidOperationException("item 40");
            }
        }));
        Assert.AreEqual("item 40", e.Message);

        var counts = new int[64];
        Assert.IsTrue(WorkerTeam.Shared.TryRun(64, 2, i => Interlocked.Increment(ref counts[i])));
        CollectionAssert.AreEqual(Enumerable.Repeat(1, 64).ToArray(), counts);
    }

    [TestMethod]
    public void WakeIsOnlyAHint()
    {
        WorkerTeam.Shared.Wake(2);
        Thread.Sleep(5); // past the wake window: the workers sleep again
        WorkerTeam.Shared.Wake(2);
        var counts = new int[10];
        Assert.IsTrue(WorkerTeam.Shared.TryRun(10, 2, i => Interlocked.Increment(ref counts[i])));
        CollectionAssert.AreEqual(Enumerable.Repeat(1, 10).ToArray(), counts);
    }
    [TestMethod]
    public void ItemsOnWorkersSeeTheCallersAsyncLocals()
    {
        // The iterators mark a batch being built with an AsyncLocal (a Dispose from a preprocessing_function is then
        // deferred): like Parallel.For, the team runs items under the caller's ExecutionContext.
        var local = new AsyncLocal<int> { Value = 42 };
        int caller = Environment.CurrentManagedThreadId;
        bool onWorker = false;
        for (int attempt = 0; attempt < 50 && !onWorker && Environment.ProcessorCount > 1; attempt++)
        {
            var seen = new int[64];
            var threads = new int[64];
            Assert.IsTrue(WorkerTeam.Shared.TryRun(64, 2, i =>
            {
                Thread.SpinWait(2000);
                seen[i] = local.Value;
                threads[i] = Environment.CurrentManagedThreadId;
            }));
            CollectionAssert.AreEqual(Enumerable.Repeat(42, 64).ToArray(), seen);
            onWorker = threads.Any(t => t != caller);
        }

        Assert.IsTrue(onWorker || Environment.ProcessorCount == 1, "no item ran on a worker in 50 batches");
    }
}
