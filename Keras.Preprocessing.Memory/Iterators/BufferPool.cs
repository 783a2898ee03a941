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
/// action hands the buffer back; NumSharp runs that action when the last reference is released or, as a safety
/// net, when the block's disposer is finalized, which happens only once no NDArray, view or storage alias of it
/// is left. So a batch the caller still holds, in any form, is never overwritten.
/// <para>
/// Without the pool the idiom allocated a fresh buffer per batch: at 224x224 that is 19 MB of new memory per
/// batch, first-touched page by page (4,700 page faults and the kernel zeroing each page) — 74% of the CPU time
/// in the kernel and 3-10x slower than a reused buffer (docs/performance.md, issue 13). Left to itself the collector seldom runs (a batch is a few
/// small managed objects plus memory it does not see), so once <see cref="Slack"/> bytes are out in undisposed
/// batches beyond what was still live at the last check, renting collects the young generations and waits for
/// the finalizers that hand dropped buffers back. Buffers the caller really keeps only raise that mark, so a
/// caller that holds many batches does not make every rent collect.
/// </para>
/// </remarks>
internal sealed unsafe class BufferPool
{
    /// <summary>Idle buffers kept per length at least; more when <see cref="Slack"/> holds more, so what an idle pool holds stays bounded.</summary>
    private const int KeptPerLength = 4;

    /// <summary>
    /// Bytes of undisposed batches allowed beyond the live mark before renting asks the collector which are
    /// dropped. At least <see cref="MinSlackBuffers"/> buffers, so large batches do not collect every time.
    /// </summary>
    private const long Slack = 8L << 20;

    private const int MinSlackBuffers = 3;

    // Plain collections under a lock: the release action also runs on the finalizer thread, possibly while the pool
    // itself is being finalized, so nothing here may own finalizable state (ConcurrentBag's ThreadLocal does).
    private readonly Dictionary<int, Stack<float[]>> _free = [];
    private readonly Lock _gate = new();

    // Bytes in batches handed out and not yet returned; the outstanding bytes found live after the last collection.
    private long _outstanding;
    private long _liveMark;

    /// <summary>Bytes of batch buffers handed out and not yet back (tests, diagnostics).</summary>
    internal long OutstandingBytes => Interlocked.Read(ref _outstanding);

    /// <summary>How many times renting asked the collector for dropped batches (tests, diagnostics).</summary>
    internal int Collections { get; private set; }

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
        if (Interlocked.Read(ref _outstanding) - Interlocked.Read(ref _liveMark) >= SlackBytes(bytes))
        {
            lock (_gate)
            {
                if (TryTake(length) is { } again)
                {
                    return again;
                }

                if (Interlocked.Read(ref _outstanding) - Interlocked.Read(ref _liveMark) >= SlackBytes(bytes))
                {
                    // Gen 1 as well: a batch still held during one collection is promoted, then dropped. Twice when
                    // the first brings nothing back: NumSharp's finalizers release a dropped array's memory block in
                    // two steps (the NDArray's finalizer drops its reference, the block's disposer is finalized in a
                    // later collection).
                    for (int pass = 0; pass < 2; pass++)
                    {
                        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
                        GC.WaitForPendingFinalizers();
                        Collections++;
                        Interlocked.Exchange(ref _liveMark, Interlocked.Read(ref _outstanding));
                        if (TryTake(length) is { } reclaimed)
                        {
                            return reclaimed;
                        }
                    }
                }
            }
        }

        return GC.AllocateUninitializedArray<float>(length, pinned: true);
    }

    /// <summary>A buffer that was rented but will not be wrapped (e.g. converted to float64 and dropped).</summary>
    public void Return(float[] buffer)
    {
        // Keep as many as one collection can hand back (the slack), else they would be dropped and their
        // replacements faulted in afresh.
        long bytes = (long)buffer.Length * sizeof(float);
        lock (_free)
        {
            if (!_free.TryGetValue(buffer.Length, out var stack))
            {
                _free[buffer.Length] = stack = new Stack<float[]>();
            }

            if (stack.Count < Math.Max(KeptPerLength, 2 + (SlackBytes(bytes) / bytes)))
            {
                stack.Push(buffer);
            }
        }
    }

    /// <summary>
    /// The float32 NDArray of <paramref name="shape"/> over <paramref name="buffer"/> (rented here, pinned); the
    /// buffer comes back when the array and every alias of its storage are released or collected.
    /// </summary>
    public NDArray Wrap(float[] buffer, long[] shape)
    {
        // Pinned (Rent allocates on the pinned heap), so the address is stable for the buffer's lifetime; the release
        // action's closure keeps the array alive for as long as the memory block is reachable.
        float* address = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffer[0]);
        long bytes = (long)buffer.Length * sizeof(float);
        Interlocked.Add(ref _outstanding, bytes);
        int released = 0;
        var block = new UnmanagedMemoryBlock<float>(address, buffer.Length, () =>
        {
            // Release and the finalizer safety net cannot both fire, but stay idempotent anyway.
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                Interlocked.Add(ref _outstanding, -bytes);
                Interlocked.Exchange(ref _liveMark, Math.Min(Interlocked.Read(ref _liveMark), Interlocked.Read(ref _outstanding)));
                Return(buffer);
            }
        });
        return new NDArray(new ArraySlice<float>(block), new Shape(shape));
    }

    private static long SlackBytes(long bufferBytes) => Math.Max(Slack, MinSlackBuffers * bufferBytes);

    private float[]? TryTake(int length)
    {
        lock (_free)
        {
            return _free.TryGetValue(length, out var stack) && stack.TryPop(out var buffer) ? buffer : null;
        }
    }
}
