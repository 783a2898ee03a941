using System.Collections;
using Keras.Preprocessing.Memory.Iterators;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Keras's <c>Iterator</c> contract: <c>len</c> batches per epoch, batch i = index_array[i·bs : (i+1)·bs] (the last
/// one short), a fresh order each epoch when shuffling, <c>next()</c> cycling through epochs forever, and the
/// indexer serving any batch of the current epoch. Unlike Keras, a sample's augmentation is a pure function of
/// (seed, epoch, sample), so batches are identical whatever the thread count, prefetch depth or the order in
/// which threads ask. <c>next()</c> is thread-safe: concurrent callers each receive whole, distinct batches.
/// With the generator's <c>numpy_random</c>, the order and the augmentations are instead Keras's own draws from
/// numpy's global generator (<see cref="NumpyRandom"/>), made in Keras's order when each batch is reserved.
/// </summary>
public abstract partial class KerasIterator : IEnumerable<Batch>, IDisposable
{
    private readonly object _gate = new();
    [NumSharp.NDBorrowed] // batches nobody was handed are disposed by Dispose and DropPrefetched
    private readonly Queue<Task<Batch>> _inFlight = new();
    private readonly Queue<Cursor> _cursorsAfter = new(); // the served cursor once each in-flight batch is handed out
    [NumSharp.NDBorrowed] // requests only: their batches are the tasks in _inFlight, disposed as those are
    private readonly PrefetchWorkers<Batch> _workers = new("KerasIterator prefetch");
    private Cursor _reserved; // where the next reservation starts (runs ahead of _served when prefetching)
    private Cursor _served;   // what callers have been handed
    private long _orderEpoch = -1;
    private int[] _order = [];
    private NumpyBatchDraws? _numpy; // the numpy_random mode: Keras's draws from numpy's global generator
    private bool _disposed;
    private int _activeBuilds;           // BuildBatch calls running now, on any thread
    [NumSharp.NDBorrowed] // the in-flight batches Dispose took; FinishDispose disposes them
    private Task<Batch>[]? _deferredDispose; // set when Dispose was called from inside a build: finished when the last build ends

    /// <summary>The iterators whose batch the current code is building (flows into Parallel.For workers).</summary>
    private static readonly AsyncLocal<BuildScope?> Building = new();

    /// <summary>Sets up the iterator over <paramref name="n"/> samples.</summary>
    protected KerasIterator(int n, int batch_size, bool shuffle, int? seed, int prefetch)
    {
        if (batch_size < 1)
        {
            throw new ArgumentException($"`batch_size` should be a positive integer. Received: {batch_size}", nameof(batch_size));
        }

        if (prefetch < 0)
        {
            throw new ArgumentException($"`prefetch` should be 0 (off) or a positive number of batches. Received: {prefetch}", nameof(prefetch));
        }

        this.n = n;
        this.batch_size = batch_size;
        this.shuffle = shuffle;
        this.seed = seed;
        EffectiveSeed = seed ?? Random.Shared.NextInt64();
        this.prefetch = prefetch;
    }

    /// <summary>Number of samples (Keras <c>n</c>).</summary>
    public int n { get; }

    /// <summary>Samples per batch (Keras <c>batch_size</c>).</summary>
    public int batch_size { get; }

    /// <summary>Whether each epoch has a fresh order (Keras <c>shuffle</c>).</summary>
    public bool shuffle { get; }

    /// <summary>
    /// The seed given (Keras <c>seed</c>); null means a random one was drawn for this iterator (with the generator's
    /// <c>numpy_random</c>: no reseeding, the batches continue numpy's global stream, as in Keras).
    /// </summary>
    public int? seed { get; }

    /// <summary>Index of the next batch <c>next()</c> serves within the epoch (Keras <c>batch_index</c>).</summary>
    public int batch_index
    {
        get
        {
            lock (_gate)
            {
                return _served.BatchIndex;
            }
        }
    }

    /// <summary>Batches served so far, by <c>next()</c> and the indexer (Keras <c>total_batches_seen</c>).</summary>
    public long total_batches_seen
    {
        get
        {
            lock (_gate)
            {
                return _served.Total;
            }
        }
    }

    /// <summary>The epoch counter that keys the shuffle order and the augmentations.</summary>
    public long epoch
    {
        get
        {
            lock (_gate)
            {
                return _served.Epoch;
            }
        }
    }

    /// <summary>
    /// The order of samples in the current epoch (Keras <c>index_array</c>). With <c>numpy_random</c>, empty until
    /// the first order is drawn (Keras: None).
    /// </summary>
    public int[] index_array
    {
        get
        {
            lock (_gate)
            {
                var order = _numpy is null ? OrderFor(_served.Epoch) : _numpy.OrderOf(_served.Epoch) ?? [];
                return (int[])order.Clone();
            }
        }
    }

    /// <summary>Batches per epoch (Keras <c>len(iterator)</c>): ceil(n / batch_size).</summary>
    public int len => (int)(((long)n + batch_size - 1) / batch_size); // in 64 bits: n + batch_size wrapped for a huge batch_size

    /// <summary>Batches per epoch; the same as <see cref="len"/>.</summary>
    public int Count => len;

    /// <summary>How many batches are computed ahead in the background (0: none).</summary>
    public int prefetch { get; }

    /// <summary>The seed actually used.</summary>
    private protected long EffectiveSeed { get; }

    /// <summary>Batch <paramref name="idx"/> of the current epoch (Keras <c>__getitem__</c>).</summary>
    public Batch this[int idx]
    {
        get
        {
            if (idx < 0 || idx >= len)
            {
                throw new ArgumentOutOfRangeException(nameof(idx), $"Asked to retrieve element {idx}, but the Sequence has length {len}");
            }

            Ticket ticket;
            lock (_gate)
            {
                ThrowIfDisposed();
                long epochNow = _served.Epoch;
                if (_numpy is { } numpy)
                {
                    // Keras's __getitem__: reseed, draw the order if there is none yet, then the batch's transforms.
                    lock (numpy.Gate)
                    {
                        numpy.BeginBatch(_served.Total);
                        _served.Total++;
                        _reserved.Total++;
                        ticket = WithDraws(MakeTicket(epochNow, idx), numpy);
                    }
                }
                else
                {
                    _served.Total++;
                    _reserved.Total++;
                    ticket = MakeTicket(epochNow, idx);
                }
            }

            return Build(ticket);
        }
    }

    /// <summary>The next batch, cycling through epochs (Keras <c>next()</c>). Thread-safe.</summary>
    public Batch next()
    {
        Task<Batch>? pending = null;
        Ticket ticket = default;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (prefetch == 0)
            {
                ticket = Reserve();
                _served = _reserved;
            }
            else
            {
                // Keep prefetch batches computing beyond the one handed out now, in reservation order.
                while (_inFlight.Count < prefetch + 1)
                {
                    var t = Reserve();
                    _inFlight.Enqueue(Produce(t));
                    _cursorsAfter.Enqueue(_reserved);
                }

                pending = _inFlight.Dequeue();
                _served = _cursorsAfter.Dequeue();
            }
        }

        if (pending is null)
        {
            return Build(ticket);
        }

        if (!pending.IsCompleted)
        {
            // Block without spinning: Task.Wait spins first, and on a machine with as many cores as workers that
            // spinning caller takes a core from the producer and its Parallel.For (it halved throughput on 2 cores).
            ((IAsyncResult)pending).AsyncWaitHandle.WaitOne();
        }

        // Disposed while this caller waited: always ObjectDisposedException (the batch was cancelled, or finished
        // for an iterator that no longer exists), never TaskCanceledException.
        if (pending.IsCanceled || Volatile.Read(ref _disposed))
        {
            if (pending.IsCompletedSuccessfully)
            {
                pending.Result.Dispose();
            }

            throw new ObjectDisposedException(GetType().FullName, "The iterator was disposed while next() waited for its batch.");
        }

        if (pending.Exception is { } failed)
        {
            UserExceptions.Rethrow(failed);
        }

        return pending.Result;
    }

    /// <summary>
    /// Serves the batch <c>next()</c> would serve, built by <paramref name="build"/> instead of
    /// <see cref="BuildBatch(long, int[])"/> (for batches of another form, e.g. left on a device). Batches prefetched for
    /// <c>next()</c> are dropped, so the two may be mixed without skipping samples.
    /// </summary>
    private protected T ServeNext<T>(Func<long, int[], DrawnBatch?, T> build)
    {
        Ticket ticket;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_inFlight.Count > 0)
            {
                DropPrefetched();
                _reserved = _served;
            }

            ticket = Reserve();
            _served = _reserved;
        }

        return Build(() => build(ticket.Epoch, ticket.Indices, ticket.Drawn));
    }

    /// <summary>Starts a new epoch: a fresh order when shuffling (Keras <c>on_epoch_end</c>).</summary>
    public void on_epoch_end()
    {
        lock (_gate)
        {
            DropPrefetched();
            _served.Epoch++;
            _served.Started = true;
            _reserved = _served;
            if (_numpy is { } numpy)
            {
                // Keras's on_epoch_end draws the next permutation from the global generator as it stands, unseeded.
                lock (numpy.Gate)
                {
                    numpy.DrawOrder(_served.Epoch, _served.Epoch);
                }
            }
        }
    }

    /// <summary>Goes back to the first batch of an epoch (Keras <c>reset</c>).</summary>
    public void reset()
    {
        lock (_gate)
        {
            DropPrefetched();
            _served.BatchIndex = 0;
            _reserved = _served;
        }
    }

    /// <summary>The batches of the current epoch, in order, then a new epoch begins (how Keras's fit walks a Sequence).</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        for (int i = 0; i < len; i++)
        {
            yield return this[i];
        }

        on_epoch_end();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stops background work and waits for it; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        Task<Batch>[] pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = [.. _inFlight];
            _inFlight.Clear();
            _cursorsAfter.Clear();
            if (InsideOwnBuild())
            {
                // Called from a batch being built (a preprocessing_function, on a producer or worker thread): waiting
                // for the producers here would wait for ourselves. Stop taking work now; the last build to end
                // finishes the Dispose on a pool thread.
                _deferredDispose = pending;
            }
        }

        if (_deferredDispose is not null)
        {
            _workers.Cancel();
            return;
        }

        FinishDispose(pending);
    }

    private void FinishDispose(Task<Batch>[] pending)
    {
        _workers.Stop();
        PrefetchWorkers<Batch>.DisposeAfterWaiting(pending);
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Whether the calling code runs inside one of this iterator's batch builds.</summary>
    private bool InsideOwnBuild()
    {
        for (var scope = Building.Value; scope is not null; scope = scope.Outer)
        {
            if (ReferenceEquals(scope.Iterator, this))
            {
                return true;
            }
        }

        return false;
    }

    private Batch Build(Ticket ticket) => Build(() => BuildBatch(ticket.Epoch, ticket.Indices, ticket.Drawn));

    /// <summary>
    /// Runs one batch build: marks it as this iterator's (so a Dispose from inside it is deferred, not a
    /// deadlock), and rethrows a failure of the user's code as the user's own exception, not Parallel.For's
    /// AggregateException.
    /// </summary>
    private T Build<T>(Func<T> build)
    {
        var outer = Building.Value;
        Building.Value = new BuildScope(this, outer);
        lock (_gate)
        {
            _activeBuilds++;
        }

        try
        {
            return build();
        }
        catch (AggregateException e)
        {
            UserExceptions.Rethrow(e);
            throw;
        }
        finally
        {
            Building.Value = outer;
            Task<Batch>[]? finish = null;
            lock (_gate)
            {
                if (--_activeBuilds == 0 && _deferredDispose is { } deferred)
                {
                    finish = deferred;
                    _deferredDispose = null;
                }
            }

            if (finish is not null)
            {
                // Not on this thread: it may be a producer, and finishing waits for the producers.
                ThreadPool.UnsafeQueueUserWorkItem(_ => FinishDispose(finish), null);
            }
        }
    }

    /// <summary>Releases what a subclass holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Builds the batch of samples <paramref name="indices"/> of epoch <paramref name="epochNumber"/>; must be thread-safe.</summary>
    protected abstract Batch BuildBatch(long epochNumber, int[] indices);

    /// <summary>
    /// An iterator over no samples has no batch: Keras's yields empty arrays forever, which a training loop only
    /// notices far away; a clear error here says why.
    /// </summary>
    private protected void ThrowIfNoSamples(int[] indices)
    {
        if (indices.Length == 0)
        {
            throw new InvalidOperationException(
                $"This {GetType().Name} has no samples (n = 0), so there is no batch to serve (Keras would yield empty arrays). " +
                "Check the data, the class folders or rows kept, `subset` and `validation_split`.");
        }
    }

    /// <summary>
    /// Builds a batch whose random numbers were drawn in Keras's order (<paramref name="drawn"/>: a transform per index
    /// and the save_to_dir names, in the <c>numpy_random</c> mode; null otherwise). Iterators that support that mode override it.
    /// </summary>
    private protected virtual Batch BuildBatch(long epochNumber, int[] indices, DrawnBatch? drawn) =>
        BuildBatch(epochNumber, indices);

    /// <summary>
    /// Switches this iterator to the <c>numpy_random</c> mode (called once by the constructor of an iterator whose
    /// generator asks for it): the order and each sample's transform come from numpy's global generator.
    /// </summary>
    private protected void UseNumpyRandom(NumpyBatchDraws draws) => _numpy = draws;

    private Ticket Reserve()
    {
        if (_numpy is { } numpy)
        {
            // The whole of Keras's batch sequence under the generator's lock: another iterator's draws cannot interleave.
            lock (numpy.Gate)
            {
                numpy.BeginBatch(_reserved.Total);
                return WithDraws(ReserveSlice(numpy), numpy);
            }
        }

        return ReserveSlice(null);
    }

    private Ticket ReserveSlice(NumpyBatchDraws? numpy)
    {
        // Keras's _flow_index: a new order whenever an epoch starts, then consecutive slices of it.
        if (_reserved.BatchIndex == 0)
        {
            if (_reserved.Started)
            {
                _reserved.Epoch++;
            }

            _reserved.Started = true;
            numpy?.DrawOrder(_reserved.Epoch, _served.Epoch);
        }

        // In 64 bits: with a huge batch_size, index × batch_size and current + batch_size wrap an int.
        long current = n == 0 ? 0 : ((long)_reserved.BatchIndex * batch_size) % n;
        var ticket = MakeTicket(_reserved.Epoch, (int)(current / batch_size));
        _reserved.BatchIndex = n > current + batch_size ? _reserved.BatchIndex + 1 : 0;
        _reserved.Total++;
        return ticket;
    }

    /// <summary>The batch's transforms, drawn now, on the ordering thread, in Keras's order (caller holds both locks).</summary>
    private static Ticket WithDraws(Ticket ticket, NumpyBatchDraws numpy) =>
        ticket with { Drawn = numpy.DrawBatch(ticket.Indices.Length) };

    private Ticket MakeTicket(long epochNumber, int batch)
    {
        var order = OrderFor(epochNumber);
        long start = (long)batch * batch_size;
        int count = (int)Math.Max(0, Math.Min(batch_size, n - start));
        return new Ticket(epochNumber, count == 0 ? [] : order.AsSpan((int)start, count).ToArray());
    }

    private int[] OrderFor(long epochNumber)
    {
        if (_numpy is { } numpy)
        {
            // Keras's __getitem__ draws an order only when there is none yet (`if self.index_array is None`).
            return numpy.OrderOf(epochNumber) ?? numpy.DrawOrder(epochNumber, _served.Epoch);
        }

        if (_orderEpoch != epochNumber)
        {
            _order = CreateOrder(epochNumber);
            _orderEpoch = epochNumber;
        }

        return _order;
    }

    /// <summary>The order of this iterator's <c>n</c> samples in an epoch; a sharded iterator serves its slice of a larger one.</summary>
    private protected virtual int[] CreateOrder(long epochNumber) => EpochOrder.Create(n, shuffle, EffectiveSeed, epochNumber);

    private void DropPrefetched()
    {
        var pending = _inFlight.ToArray();
        _inFlight.Clear();
        _cursorsAfter.Clear();
        PrefetchWorkers<Batch>.DisposeWhenDone(pending);
    }

    /// <summary>Producer threads still running (for tests: zero once <see cref="Dispose()"/> returns).</summary>
    internal int PendingBackgroundWork => _workers.Running;

    /// <summary>Prefetch producer threads alive in the process, over all iterators.</summary>
    internal static int LiveProducerThreads => PrefetchWorkers<Batch>.LiveThreads;

    /// <summary>The most dedicated producer threads the process runs; beyond it an iterator borrows a pool thread.</summary>
    internal static int MaxProducerThreads => PrefetchWorkers<Batch>.MaxThreads;

    /// <summary>How long an idle prefetch producer thread waits for work before it exits (tests shorten it).</summary>
    internal int ProducerIdleMilliseconds
    {
        get => _workers.IdleMilliseconds;
        set => _workers.IdleMilliseconds = value;
    }

    /// <summary>
    /// How many threads build prefetched batches, each a whole batch at a time (see <see cref="PrefetchWorkers{T}"/>).
    /// The base builds one at a time; an iterator whose batches can be built side by side may use more.
    /// </summary>
    private protected virtual int PrefetchThreads => 1;

    /// <summary>Queues a batch for the producer threads (at most one per batch in flight). Called under the gate.</summary>
    private Task<Batch> Produce(Ticket ticket) =>
        _workers.Enqueue(() => Build(ticket), Math.Min(PrefetchThreads, prefetch + 1));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private struct Cursor
    {
        public long Epoch;
        public int BatchIndex;
        public long Total;
        public bool Started;
    }

    private readonly record struct Ticket(long Epoch, int[] Indices, DrawnBatch? Drawn = null);

    private sealed record BuildScope([property: NumSharp.NDBorrowed] KerasIterator Iterator, BuildScope? Outer);
}
