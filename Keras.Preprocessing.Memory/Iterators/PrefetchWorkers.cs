namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// The producer threads behind an iterator's <c>prefetch</c>: builds queued batches, in order, on dedicated
/// background threads that start on demand and exit when idle. Dedicated threads, not a thread-pool task per
/// batch: pool tasks blocking on the pool work of their own Parallel.For left cores idle and made the pool inject
/// threads, so prefetching was slower than none.
/// </summary>
/// <typeparam name="T">What a work item builds (a batch); results nobody takes are disposed.</typeparam>
internal sealed class PrefetchWorkers<T>
    where T : class, IDisposable
{
    /// <summary>How long an idle producer thread waits for work before it exits, unless told otherwise.</summary>
    public const int DefaultIdleMilliseconds = 2000;

    private readonly object _gate = new();
    [NumSharp.NDBorrowed] // requests only: their results are the tasks the caller holds, disposed as those are
    private readonly Queue<(Func<T> Build, TaskCompletionSource<T> Result)> _work = new();
    private readonly string _threadName;
    private int _producers;
    private bool _stopped;

    /// <param name="threadName">The producer threads' name (a number is appended).</param>
    /// <param name="idleMilliseconds">How long an idle producer waits for work before it exits.</param>
    public PrefetchWorkers(string threadName, int idleMilliseconds = DefaultIdleMilliseconds)
    {
        _threadName = threadName;
        IdleMilliseconds = idleMilliseconds;
    }

    /// <summary>How long an idle producer waits for work before it exits (an iterator dropped without Dispose then holds no thread).</summary>
    public int IdleMilliseconds { get; set; }

    /// <summary>Producer threads running (zero once <see cref="Stop"/> returns).</summary>
    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _producers;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="build"/> for the producers, starting one when fewer than <paramref name="maxThreads"/>
    /// run; the task completes with its result (cancelled once stopped).
    /// </summary>
    public Task<T> Enqueue(Func<T> build, int maxThreads)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _work.Enqueue((build, result));
            if (_producers < maxThreads)
            {
                _producers++;
                new Thread(RunProducer) { IsBackground = true, Name = $"{_threadName} {_producers}" }.Start();
            }

            Monitor.PulseAll(_gate);
        }

        return result.Task;
    }

    /// <summary>
    /// Stops the producers: queued work is cancelled, and this waits for every producer thread, including one
    /// still building a batch nobody will take.
    /// </summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate); // producers finish what is queued (as cancelled) and exit
            while (_producers > 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Disposes the results of <paramref name="tasks"/> that nobody will read, once each is done.</summary>
    public static void DisposeWhenDone(IEnumerable<Task<T>> tasks)
    {
        foreach (var task in tasks)
        {
            // Finished or not, nobody will read these batches: give their buffers back when they are done.
            task.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }
            }, TaskScheduler.Default);
        }
    }

    /// <summary>Waits for <paramref name="tasks"/> and disposes the results nobody took.</summary>
    public static void DisposeAfterWaiting(Task<T>[] tasks)
    {
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException)
        {
            // Cancelled or failed work that nobody asked for any more.
        }

        foreach (var task in tasks)
        {
            if (task.IsCompletedSuccessfully)
            {
                task.Result.Dispose();
            }
        }
    }

    private void RunProducer()
    {
        while (true)
        {
            (Func<T> Build, TaskCompletionSource<T> Result) item;
            bool cancelled;
            lock (_gate)
            {
                // An idle producer exits (Enqueue starts another when needed), so an iterator that is dropped
                // without Dispose is not kept alive, nor its thread, by a producer waiting for work forever.
                while (_work.Count == 0 && !_stopped)
                {
                    if (!Monitor.Wait(_gate, IdleMilliseconds) && _work.Count == 0)
                    {
                        break;
                    }
                }

                if (_work.Count == 0)
                {
                    _producers--;
                    Monitor.PulseAll(_gate); // Stop waits for the last producer
                    return;
                }

                item = _work.Dequeue();
                cancelled = _stopped;
            }

            if (cancelled)
            {
                item.Result.SetCanceled();
                continue;
            }

            try
            {
                item.Result.SetResult(item.Build());
            }
            catch (Exception e)
            {
                item.Result.SetException(e);
            }
        }
    }
}
