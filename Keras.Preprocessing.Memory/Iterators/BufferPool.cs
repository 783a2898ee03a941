using System.Diagnostics;
using System.Runtime.InteropServices;
using NumSharp;
using NumSharp.Backends.Unmanaged;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Float buffers for batches, shared by all iterators of a generator (a new flow() starts with warm buffers).
/// </summary>
/// <remarks>
/// A batch buffer comes back to the pool when nothing can read it any more: when the caller disposes the batch,
/// or — the Keras idiom <c>var (x, y) = it.next();</c> with no Dispose — when the garbage collector finds its
/// array unreachable. The arrays are NumSharp memory blocks over the pooled (pinned) buffer whose release
/// action hands the buffer back. Every NDArray, view and storage alias of the batch shares one memory block
/// and through it that release delegate, so the delegate is reachable exactly as long as some alias of the
/// batch is: the pool tracks it with a short weak handle, and a buffer whose handle the collector cleared is
/// free again as soon as the collection returns. So a batch the caller still holds, in any form, is never
/// overwritten. (Only an object that is itself being finalized may still reach it: a finalizer must not read
/// a dropped batch.)
/// <para>
/// Without the pool the idiom allocated a fresh buffer per batch: at 224x224 that is 19 MB of new memory per
/// batch, first-touched page by page (4,700 page faults and the kernel zeroing each page) — 74% of the CPU time
/// in the kernel and 3-10x slower than a reused buffer (docs/performance.md, issue 13). Left to itself the
/// collector seldom runs (a batch is a few small managed objects plus memory it does not see), so once
/// <see cref="Slack"/> bytes are out in undisposed batches beyond what was still live at the last check,
/// renting runs a gen-1 collection (gen 1: the batch held at the previous one was promoted by it), and the
/// buffers whose weak handles it cleared are free as soon as it returns, before any finalizer runs. Buffers the
/// caller really keeps only raise the live mark, so a caller that holds many batches does not make every rent
/// collect.
/// </para>
/// <para>
/// What the idiom still costs beyond Dispose (issue 13, 64x64 and 32x32 batches) is cache and collections: a
/// disposed batch's buffer is rewritten while still in L2, the idiom's rotate through a slack's worth of buffers
/// written cold (7-9% more CPU per image, as much as disposing each batch 6-21 batches late); and each collection
/// costs 0.3-0.5 ms however small the heap (the collector's code and data are cold by then). A smaller slack would
/// keep buffers in cache but collect every batch or two, a larger one costs memory: the slack holds 32 batches
/// up to 32 MiB, and at least 8 MiB. Renting takes the buffer written last first (see <see cref="Push"/>).
/// </para>
/// </remarks>
internal sealed unsafe class BufferPool
{
    /// <summary>Idle buffers kept per length at least; more when <see cref="Slack"/> holds more, so what an idle pool holds stays bounded.</summary>
    private const int KeptPerLength = 4;

    /// <summary>
    /// Bytes of undisposed batches allowed beyond the live mark before renting asks the collector which are
    /// dropped, at least (<see cref="SlackBytes"/>).
    /// </summary>
    private const long Slack = 8L << 20;

    /// <summary>
    /// Batches the slack holds, up to <see cref="SlackCap"/>: a collection run after a batch's work costs 0.3-0.5 ms
    /// whatever the heap's size (the collector's code and data are cold by then; 20-40 µs back to back), so it
    /// should come once per many batches (64x64: a collection per 5 batches cost 5% of the idiom's speed; 32x32
    /// uint8: 32 batches are 12 MiB, peak RSS dataset + 56 MiB against + 53 at 8 MiB).
    /// </summary>
    private const int SlackBatches = 32;

    /// <summary>The most <see cref="SlackBatches"/> may add up to: beyond it, fewer collections are not worth the memory.</summary>
    private const long SlackCap = 32L << 20;

    /// <summary>Large batches: at least this many buffers of slack, so they do not collect every time.</summary>
    private const int MinSlackBuffers = 3;

    // Plain collections under one lock: the release action also runs on the finalizer thread, possibly while the
    // pool itself is being finalized, so nothing here may own finalizable state (ConcurrentBag's ThreadLocal does).
    private readonly Dictionary<int, List<IdleBuffer>> _free = [];
    private readonly List<Lease> _leases = [];
    private readonly Lock _gate = new();

    // Only one renter collects at a time; the others find its reclaimed buffers.
    private readonly Lock _collecting = new();

    // Bytes in batches handed out and not yet returned; the outstanding bytes found live after the last collection.
    private long _outstanding;
    private long _liveMark;
    private long _handedOut;
    private int _allocations;
    private long _reclaimTicks;

    // Bytes of old (gen-2) undisposed batches that no full collection has judged yet before renting runs one (at
    // least one buffer's worth); doubled when a slack's worth of old batches survives a full collection (a caller
    // keeping its batches), back to one buffer when fewer do.
    private long _fullTrigger;

    /// <summary>Bytes of batch buffers handed out and not yet back (tests, diagnostics).</summary>
    internal long OutstandingBytes => Interlocked.Read(ref _outstanding);

    /// <summary>How many times renting asked the collector for dropped batches (tests, diagnostics).</summary>
    internal int Collections { get; private set; }

    /// <summary>How many of <see cref="Collections"/> went on to a full (gen-2) collection for batches that had grown old (tests, diagnostics).</summary>
    internal int FullCollections { get; private set; }

    /// <summary>How many buffers renting had to allocate because none was free (tests, diagnostics).</summary>
    internal int Allocations => Volatile.Read(ref _allocations);

    /// <summary>Time spent in renting's collections and handle scans, all threads together (diagnostics).</summary>
    internal TimeSpan ReclaimTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _reclaimTicks));

    /// <summary>
    /// A buffer of <paramref name="length"/> floats: a returned one if any, else (after reclaiming dropped batches
    /// when enough are out) a new pinned, uninitialized one: the engine writes every element, so zeroing would be
    /// wasted work, and pinned so the NDArray can wrap its address.
    /// </summary>
    public float[] Rent(int length)
    {
        if (TryTake(length) is { } buffer)
        {
            return buffer;
        }

        long bytes = (long)length * sizeof(float);
        if (Unclaimed() >= SlackBytes(bytes))
        {
            lock (_collecting)
            {
                if (TryTake(length) is { } again)
                {
                    return again;
                }

                if (Unclaimed() >= SlackBytes(bytes) && Reclaim(length) is { } reclaimed)
                {
                    return reclaimed;
                }
            }
        }

        Interlocked.Increment(ref _allocations);
        return GC.AllocateUninitializedArray<float>(length, pinned: true);
    }

    /// <summary>A buffer that was rented but will not be wrapped (e.g. converted to float64 and dropped).</summary>
    public void Return(float[] buffer)
    {
        lock (_gate)
        {
            Push(buffer, ++_handedOut);
        }
    }

    /// <summary>
    /// The float32 NDArray of <paramref name="shape"/> over <paramref name="buffer"/> (rented here, pinned); the
    /// buffer comes back when the array and every alias of its storage are released or collected.
    /// </summary>
    public NDArray Wrap(float[] buffer, long[] shape)
    {
        // Pinned (Rent allocates on the pinned heap), so the address is stable for the buffer's lifetime; the lease
        // keeps the array alive until it is back.
        float* address = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffer[0]);
        var lease = new Lease(this, buffer);
        Action release = lease.Release;
        lock (_gate)
        {
            lease.Handle = GCHandle.Alloc(release, GCHandleType.Weak);
            lease.Slot = _leases.Count;
            lease.Written = ++_handedOut;
            _leases.Add(lease);
            _outstanding += lease.Bytes;
        }

        var block = new UnmanagedMemoryBlock<float>(address, buffer.Length, release);
        return new NDArray(new ArraySlice<float>(block), new Shape(shape));
    }

    /// <summary>
    /// The undisposed bytes a pool of <paramref name="bufferBytes"/> buffers lets out before it collects:
    /// <see cref="SlackBatches"/> batches up to <see cref="SlackCap"/>, at least <see cref="Slack"/> and
    /// <see cref="MinSlackBuffers"/> buffers.
    /// </summary>
    internal static long SlackBytes(long bufferBytes) =>
        Math.Max(Math.Max(Slack, Math.Min(SlackBatches * bufferBytes, SlackCap)), MinSlackBuffers * bufferBytes);

    private long Unclaimed()
    {
        lock (_gate)
        {
            return _outstanding - _liveMark;
        }
    }

    /// <summary>
    /// A gen-1 collection, then every wrapped buffer whose release delegate it found unreachable comes back. Gen 1,
    /// not 0: the batch the caller held at the previous collection was promoted to gen 1 by it. A batch that other
    /// collections (the program's own, or another pool's) promoted to gen 2 while it was held is out of a gen-1
    /// collection's reach once dropped: when such batches add up to <see cref="_fullTrigger"/> (at least one
    /// buffer), a full collection judges them too, else each would cost a fresh buffer for good.
    /// </summary>
    private float[]? Reclaim(int length)
    {
        long started = Stopwatch.GetTimestamp();
        long bytes = (long)length * sizeof(float);
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        Collections++;
        long oldBytes;
        lock (_gate)
        {
            TakeBackUnreachable();
            oldBytes = UnjudgedOldBytes();
        }

        bool full = oldBytes >= Math.Max(bytes, _fullTrigger);
        if (full)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            FullCollections++;
        }

        lock (_gate)
        {
            if (full)
            {
                long before = _outstanding;
                TakeBackUnreachable();
                JudgeSurvivors();

                // Old batches that survive a full collection in bulk are kept by the caller: back off geometrically, so
                // a caller that keeps every batch pays a full collection per doubling of what it keeps, not per rent.
                // One or two survivors are batches still in use at that moment, no reason to wait longer next time.
                long keptOld = oldBytes - (before - _outstanding);
                _fullTrigger = keptOld >= SlackBytes(bytes) ? Math.Max(2 * _fullTrigger, SlackBytes(bytes)) : 0;
            }

            _liveMark = _outstanding;
            var buffer = TakeFree(length);
            Interlocked.Add(ref _reclaimTicks, Stopwatch.GetTimestamp() - started);
            return buffer;
        }
    }

    /// <summary>Under the gate: bytes of outstanding batches in gen 2 that no full collection has seen alive.</summary>
    private long UnjudgedOldBytes()
    {
        long bytes = 0;
        foreach (var lease in _leases)
        {
            if (!lease.Judged && lease.Handle.Target is { } release && GC.GetGeneration(release) == GC.MaxGeneration)
            {
                bytes += lease.Bytes;
            }
        }

        return bytes;
    }

    /// <summary>Under the gate, after a full collection: every lease still out was alive then, so only a later full collection can free it.</summary>
    private void JudgeSurvivors()
    {
        foreach (var lease in _leases)
        {
            lease.Judged = true;
        }
    }

    /// <summary>Under the gate: every lease whose release delegate is gone comes back (its finalizer's release is then a no-op).</summary>
    private void TakeBackUnreachable()
    {
        for (int i = _leases.Count - 1; i >= 0; i--)
        {
            var lease = _leases[i];
            if (lease.Handle.Target is null && Interlocked.Exchange(ref lease.Released, 1) == 0)
            {
                Remove(lease);
            }
        }
    }

    /// <summary>Under the gate: ends a lease (released or found unreachable) and keeps its buffer.</summary>
    private void Remove(Lease lease)
    {
        lease.Handle.Free();
        var last = _leases[^1];
        _leases[lease.Slot] = last;
        last.Slot = lease.Slot;
        _leases.RemoveAt(_leases.Count - 1);
        _outstanding -= lease.Bytes;
        _liveMark = Math.Min(_liveMark, _outstanding);
        Push(lease.Buffer, lease.Written);
    }

    /// <summary>
    /// Under the gate: keeps as many buffers as one collection can hand back (the slack), else they would be dropped
    /// and their replacements faulted in afresh. They are kept in the order they were last handed out (written),
    /// whoever returns them (Dispose, the collecting renter, or a finalizer racing it), so renting takes the one
    /// written last: the likeliest to be still in cache, where the others were written up to a slack's worth of
    /// batches ago. Beyond the cap the coldest goes.
    /// </summary>
    private void Push(float[] buffer, long written)
    {
        long bytes = (long)buffer.Length * sizeof(float);
        if (!_free.TryGetValue(buffer.Length, out var idle))
        {
            _free[buffer.Length] = idle = [];
        }

        int at = idle.Count;
        while (at > 0 && idle[at - 1].Written > written)
        {
            at--;
        }

        idle.Insert(at, new IdleBuffer(buffer, written));
        if (idle.Count > Math.Max(KeptPerLength, 2 + (SlackBytes(bytes) / bytes)))
        {
            idle.RemoveAt(0);
        }
    }

    private float[]? TryTake(int length)
    {
        lock (_gate)
        {
            return TakeFree(length);
        }
    }

    private float[]? TakeFree(int length)
    {
        if (!_free.TryGetValue(length, out var idle) || idle.Count == 0)
        {
            return null;
        }

        var buffer = idle[^1].Buffer;
        idle.RemoveAt(idle.Count - 1);
        return buffer;
    }

    /// <summary>A buffer in the pool, and when it was last handed out (a higher mark was written more recently).</summary>
    private readonly record struct IdleBuffer(float[] Buffer, long Written);

    /// <summary>One wrapped buffer out with a caller: its release runs on Dispose, or from NumSharp's finalizer after the pool took it back.</summary>
    private sealed class Lease(BufferPool pool, float[] buffer)
    {
        public readonly float[] Buffer = buffer;
        public readonly long Bytes = (long)buffer.Length * sizeof(float);
        public GCHandle Handle;
        public int Slot;

        /// <summary>When the buffer was handed out, i.e. written (see <see cref="Push"/>).</summary>
        public long Written;
        public int Released;

        /// <summary>Seen alive by a full collection: a gen-1 collection can never free it, and another full one is not asked for on its account.</summary>
        public bool Judged;

        public void Release()
        {
            if (Interlocked.Exchange(ref Released, 1) == 0)
            {
                lock (pool._gate)
                {
                    pool.Remove(this);
                }
            }
        }
    }
}
