using Keras.Preprocessing.Memory.Iterators;

namespace Keras.Preprocessing.Memory;

/// <summary>Hands a <c>flow</c> iterator to training loops that take a Keras Sequence or an async stream of batches.</summary>
public static class KerasIteratorInterop
{
    /// <summary>
    /// The iterator as a <see cref="KerasSequence"/> (in Keras every iterator is a <c>Sequence</c>): the same
    /// <c>len</c>, batches and <c>on_epoch_end</c>, served from the iterator's state.
    /// </summary>
    /// <param name="iterator">The iterator to wrap; it stays the caller's to dispose.</param>
    public static KerasSequence AsSequence(this KerasIterator iterator)
    {
        ArgumentNullException.ThrowIfNull(iterator);
        return new IteratorSequence(iterator);
    }

    /// <summary>
    /// The iterator's batches for <paramref name="epochs"/> epochs as an async stream, for
    /// <c>await foreach (var batch in it.AsAsyncEnumerable(epochs, token))</c> training loops; see
    /// <see cref="KerasSequence.AsAsyncEnumerable"/> for the overlap and cancellation rules.
    /// </summary>
    /// <param name="iterator">The iterator to read.</param>
    /// <param name="epochs">How many epochs (Keras <c>fit(epochs=...)</c>).</param>
    /// <param name="cancellationToken">Stops the loop between batches.</param>
    public static IAsyncEnumerable<Batch> AsAsyncEnumerable(this KerasIterator iterator, int epochs = 1, CancellationToken cancellationToken = default) =>
        iterator.AsSequence().AsAsyncEnumerable(epochs, cancellationToken);
}

/// <summary>A <see cref="KerasIterator"/> seen through the Sequence contract; it has no state of its own.</summary>
internal sealed class IteratorSequence(KerasIterator iterator) : KerasSequence
{
    public override int len => iterator.len;

    public override Batch this[int index] => iterator[index];

    public override void on_epoch_end() => iterator.on_epoch_end();
}
