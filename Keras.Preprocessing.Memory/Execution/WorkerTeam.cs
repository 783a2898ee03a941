using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// The CPU executor's threads: one per core beyond the caller's, kept for the process, which poll a short while
/// after each batch before they sleep. A batch of a synchronous <c>next()</c> lasts a few milliseconds; handed to
/// the thread pool (<see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>) its second thread started a
/// median 60 µs late at 224x224 and missed 5% of batches altogether, idling a core for 9% of the time
/// (docs/performance.md). A polling worker starts within a few microseconds, and <see cref="Wake"/>, called while a
/// batch is being prepared, has sleeping workers up by the time it is published.
/// </summary>
/// <remarks>
/// Work items are claimed one by one from a counter, so a late or descheduled worker only means the others take
/// more; the caller takes part and waits only for workers that joined. Several batches may be in flight (prefetch
/// builds them side by side): a worker joins the first with items left, and only while the threads on batches leave
/// it a core, so it never spins against them. Which thread runs which item never changes a value.
/// </remarks>
internal sealed class WorkerTeam
{
    // How long an idle worker polls for the next batch before it sleeps: longer than the gap between the batches of
    // a loop that only pulls batches (30-60 µs), short enough to cost little CPU after a loop's last batch.
    private static readonly long SpinTicks = Stopwatch.Frequency / 5_000; // 200 µs

    // How long a worker roused by Wake polls for the batch it announces: the caller's preparation may include a
    // collection that reclaims dropped batches (a few hundred µs), and the batch always follows.
    private static readonly long WakeTicks = Stopwatch.Frequency / 500; // 2 ms

    // Batches in flight at once (prefetch runs several); a caller that finds every slot taken uses the thread pool.
    private const int Slots = 8;

    private static readonly Lazy<WorkerTeam> SharedTeam = new(() => new WorkerTeam(Environment.ProcessorCount - 1));

    private readonly Worker[] _workers;
    private readonly Job?[] _open = new Job?[Slots];
    private long _generation;
    private long _wakeUntil;

    // Threads on batches: callers inside TryRun, and workers inside a job. Workers join (and poll) only while these
    // leave a core free: with batches prefetched side by side the callers alone fill the cores, and a worker more
    // would only be time-sliced against them.
    private int _callers;
    private int _helping;

    private WorkerTeam(int workers)
    {
        _workers = new Worker[Math.Max(0, workers)];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Worker(this, i);
        }
    }

    /// <summary>The process's team: as many threads as cores, the caller's included.</summary>
    public static WorkerTeam Shared => SharedTeam.Value;

    /// <summary>
    /// A hint that a batch for up to <paramref name="threads"/> threads (the caller's included) follows shortly:
    /// that many sleeping workers get up and poll for it a while, so that they are running when it is published.
    /// Costs nothing when they are already awake.
    /// </summary>
    public void Wake(int threads)
    {
        if (Volatile.Read(ref _callers) > 0)
        {
            return; // batches in flight (prefetch): the workers are busy or have no core to poll on
        }

        Volatile.Write(ref _wakeUntil, Stopwatch.GetTimestamp() + WakeTicks);
        Rouse(threads - 1);
    }

    /// <summary>Wakes the first <paramref name="helpers"/> workers (on a many-core machine a small batch needs few).</summary>
    private void Rouse(int helpers)
    {
        for (int i = 0, n = Math.Min(helpers, _workers.Length); i < n; i++)
        {
            _workers[i].Rouse();
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> for items 0 .. <paramref name="items"/> - 1 on the caller's thread and up to
    /// <paramref name="threads"/> - 1 workers, and returns when all are done. False (and nothing run) when the team
    /// already has as many batches in flight as it takes.
    /// </summary>
    public bool TryRun(int items, int threads, Action<int> body)
    {
        int helpers = Math.Min(threads - 1, _workers.Length);
        var job = new Job(items, helpers, body);
        if (helpers <= 0 || items <= 1)
        {
            job.Work();
            job.ThrowIfFailed();
            return true;
        }

        Interlocked.Increment(ref _callers);
        try
        {
            return TryPublish(job);
        }
        finally
        {
            Interlocked.Decrement(ref _callers);
        }
    }

    private bool TryPublish(Job job)
    {
        int slot = Array.IndexOf(_open, null);
        while (slot >= 0 && Interlocked.CompareExchange(ref _open[slot], job, null) is not null)
        {
            slot = Array.IndexOf(_open, null);
        }

        if (slot < 0)
        {
            return false;
        }

        Interlocked.Increment(ref _generation);
        Rouse(job.Helpers);

        job.Work();
        job.Close();
        Volatile.Write(ref _open[slot], null);
        job.ThrowIfFailed();
        return true;
    }

    /// <summary>Whether a worker more would have a core of its own.</summary>
    private bool HasFreeCore => Volatile.Read(ref _callers) + Volatile.Read(ref _helping) <= _workers.Length;

    /// <summary>Joins an open batch with items left, if any (and a core is free), and works on it until it has none.</summary>
    private bool TryHelp()
    {
        foreach (ref var open in _open.AsSpan())
        {
            if (Volatile.Read(ref open) is { HasItems: true } job && HasFreeCore && job.TryJoin())
            {
                Interlocked.Increment(ref _helping);
                job.WorkInCallersContext();
                Interlocked.Decrement(ref _helping);
                job.Leave();
                return true;
            }
        }

        return false;
    }

    /// <summary>One batch: its items, claimed one by one, and the workers inside it.</summary>
    private sealed class Job(int items, int helpers, Action<int> body)
    {
        private const int Closed = 1 << 30;

        private int _next;

        // Workers inside the job, plus Closed once the caller has finished its part: no worker joins after that.
        private int _inside;
        private ExceptionDispatchInfo? _failure;

        // The caller's ExecutionContext, as Parallel.For flows it: the items see the caller's AsyncLocal values
        // (the iterators mark a batch being built with one).
        private readonly ExecutionContext? _context = ExecutionContext.Capture();

        /// <summary>Joins unless the job is closed or has its helpers; a joined worker must call <see cref="Leave"/>.</summary>
        public bool TryJoin()
        {
            int seen = Volatile.Read(ref _inside);
            while ((seen & Closed) == 0 && seen < helpers)
            {
                int was = Interlocked.CompareExchange(ref _inside, seen + 1, seen);
                if (was == seen)
                {
                    return true;
                }

                seen = was;
            }

            return false;
        }

        public void Leave() => Interlocked.Decrement(ref _inside);

        /// <summary><see cref="Work"/> on a worker, under the caller's ExecutionContext.</summary>
        public void WorkInCallersContext()
        {
            if (_context is null)
            {
                Work();
                return;
            }

            ExecutionContext.Run(_context, static job => ((Job)job!).Work(), this);
        }

        public bool HasItems => Volatile.Read(ref _next) < items;

        /// <summary>How many workers may join.</summary>
        public int Helpers => helpers;

        /// <summary>Claims and runs items until none is left (or one has failed).</summary>
        public void Work()
        {
            try
            {
                for (int item = Interlocked.Increment(ref _next) - 1; item < items && _failure is null; item = Interlocked.Increment(ref _next) - 1)
                {
                    body(item);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }

        /// <summary>Lets no more workers in and waits for those inside (they finish their last item).</summary>
        public void Close()
        {
            Interlocked.Or(ref _inside, Closed);
            var spin = default(SpinWait);
            while (Volatile.Read(ref _inside) != Closed)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        public void ThrowIfFailed() => _failure?.Throw();
    }

    /// <summary>A background thread: runs each new job's share, then polls for the next a while, then sleeps.</summary>
    private sealed class Worker
    {
        private readonly WorkerTeam _team;
        private readonly ManualResetEventSlim _signal = new(false, spinCount: 1);
        private int _sleeping;

        public Worker(WorkerTeam team, int index)
        {
            _team = team;
            var thread = new Thread(Run) { IsBackground = true, Name = $"KerasMemory worker {index + 1}" };
            thread.UnsafeStart(); // no ExecutionContext: not the AsyncLocals of whichever caller first used the team
        }

        /// <summary>Wakes the thread if it sleeps (a new job, or <see cref="WorkerTeam.Wake"/>).</summary>
        public void Rouse()
        {
            if (Volatile.Read(ref _sleeping) != 0)
            {
                _signal.Set();
            }
        }

        private void Run()
        {
            while (true)
            {
                long seen = Volatile.Read(ref _team._generation);
                if (_team.TryHelp())
                {
                    continue;
                }

                long deadline = Stopwatch.GetTimestamp() + SpinTicks;
                while (Volatile.Read(ref _team._generation) == seen)
                {
                    long now = Stopwatch.GetTimestamp();
                    if ((now >= deadline && now >= Volatile.Read(ref _team._wakeUntil)) || !_team.HasFreeCore)
                    {
                        break;
                    }

                    Thread.SpinWait(16);
                }

                if (Volatile.Read(ref _team._generation) != seen)
                {
                    continue;
                }

                // Sleep: the flag is set before the last look, so a batch published after it finds the flag and sets
                // the signal, which was reset before (a wake is never lost).
                _signal.Reset();
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _team._generation) == seen)
                {
                    _signal.Wait();
                }

                Interlocked.Exchange(ref _sleeping, 0);
            }
        }
    }
}
