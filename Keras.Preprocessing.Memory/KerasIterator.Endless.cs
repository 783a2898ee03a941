namespace Keras.Preprocessing.Memory;

public abstract partial class KerasIterator
{
    /// <summary>
    /// The endless form of the iterator, what Python's <c>for batch in it:</c> and <c>zip(image_gen, mask_gen)</c>
    /// walk: <c>next()</c> again and again, epoch after epoch, never ending (tf.data's spelling of it is
    /// <c>repeat()</c>). A plain <c>foreach</c> over the iterator ends after one epoch instead, as Keras's
    /// <c>fit</c> walks a Sequence; break out of this one, or take as many batches as needed
    /// (<c>it.repeat().Take(steps)</c>). It continues from where <c>next()</c> stands, and is thread-safe as
    /// <c>next()</c> is.
    /// </summary>
    /// <returns>An endless sequence of batches; each enumeration continues the same iterator.</returns>
    public IEnumerable<Batch> repeat()
    {
        ThrowIfDisposedNow();
        return Endless();

        IEnumerable<Batch> Endless()
        {
            if (n == 0)
            {
                // An empty iterator has no batch to repeat: ending at once beats an endless stream of errors.
                yield break;
            }

            while (true)
            {
                yield return next();
            }
        }
    }

    private void ThrowIfDisposedNow()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
        }
    }
}
