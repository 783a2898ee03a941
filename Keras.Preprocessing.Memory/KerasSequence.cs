using System.Collections;
using System.Runtime.CompilerServices;
using Keras.Preprocessing.Memory.Iterators;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Keras's <c>keras.utils.Sequence</c>: a dataset that knows its length in batches (<c>__len__</c>), serves any
/// batch of the current epoch by index (<c>__getitem__</c>) and is told when an epoch ends (<c>on_epoch_end</c>).
/// Subclass it for your own data, or get one from a <c>flow</c> iterator (<see cref="KerasIteratorInterop.AsSequence"/>,
/// or the implicit conversion), so a training loop written against this contract takes either.
/// </summary>
/// <remarks>
/// Enumerating it walks one epoch in order, then calls <see cref="on_epoch_end"/> (how Keras's <c>fit</c> walks a
/// Sequence). Each batch is the caller's: dispose it when done so its buffers are reused.
/// </remarks>
public abstract class KerasSequence : IEnumerable<Batch>
{
    /// <summary>Number of batches in an epoch (Keras <c>__len__</c>).</summary>
    public abstract int len { get; }

    /// <summary>Batch <paramref name="index"/> of the current epoch, 0 ≤ index &lt; <see cref="len"/> (Keras <c>__getitem__</c>).</summary>
    /// <param name="index">The batch's position in the epoch.</param>
    public abstract Batch this[int index] { get; }

    /// <summary>Batches per epoch; the same as <see cref="len"/>.</summary>
    public int Count => len;

    /// <summary>A flow iterator as a Sequence (in Keras every iterator is one).</summary>
    /// <param name="iterator">The iterator to serve batches from.</param>
    public static implicit operator KerasSequence(KerasIterator iterator) => iterator.AsSequence();

    /// <summary>Called at the end of every epoch (Keras <c>on_epoch_end</c>); a shuffling sequence draws its next order here.</summary>
    public virtual void on_epoch_end()
    {
    }

    /// <summary>The batches of the current epoch in order, then <see cref="on_epoch_end"/>.</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        int count = len;
        for (int i = 0; i < count; i++)
        {
            yield return this[i];
        }

        on_epoch_end();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The batches of <paramref name="epochs"/> epochs for an <c>await foreach</c> training loop: batch i + 1 is built on
    /// the thread pool while the caller works on batch i, and <see cref="on_epoch_end"/> runs after each epoch's last
    /// batch is built. Cancellation stops the loop between batches (with <see cref="OperationCanceledException"/>), and a
    /// batch built ahead that nobody will read is disposed.
    /// </summary>
    /// <param name="epochs">How many epochs to walk (Keras <c>fit(epochs=...)</c>); 0 yields nothing.</param>
    /// <param name="cancellationToken">Stops the loop; also honoured through <c>WithCancellation</c>.</param>
    public async IAsyncEnumerable<Batch> AsAsyncEnumerable(int epochs = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (epochs < 0)
        {
            throw new ArgumentException($"`epochs` should be 0 or more. Received: {epochs}", nameof(epochs));
        }

        Task<Batch>? ahead = null;
        try
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                int count = len;
                ahead ??= count > 0 ? Build(0, cancellationToken) : null;
                for (int i = 0; i < count; i++)
                {
                    // WaitAsync returns a finished task as it is, token or not, so check the token first.
                    cancellationToken.ThrowIfCancellationRequested();
                    var current = await ahead!.WaitAsync(cancellationToken).ConfigureAwait(false);
                    ahead = null;
                    if (i + 1 < count)
                    {
                        ahead = Build(i + 1, cancellationToken);
                    }
                    else
                    {
                        // The epoch's data is all built, so the next order can be drawn now and the next epoch's
                        // first batch overlap with the caller's work on this one.
                        on_epoch_end();
                        if (epoch + 1 < epochs && len > 0)
                        {
                            ahead = Build(0, cancellationToken);
                        }
                    }

                    yield return current;
                }

                if (count == 0)
                {
                    on_epoch_end();
                }
            }
        }
        finally
        {
            ahead?.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private Task<Batch> Build(int index, CancellationToken cancellationToken) =>
        Task.Run(() => this[index], cancellationToken);
}
