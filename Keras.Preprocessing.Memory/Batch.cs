using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// One batch, as Keras's iterators yield it: <c>x</c> alone, <c>(x, y)</c> or <c>(x, y, sample_weight)</c>.
/// Deconstructs like the Python tuple (<c>var (X_batch, y_batch) = it.next();</c>) and converts to the image
/// NDArray where Keras returns x alone. Disposing it hands its image buffer back to the iterator for reuse at
/// once; a batch that is not disposed (Keras's own idiom) hands it back when the garbage collector finds that
/// neither it nor any array or view of its images is reachable any more, so a batch the caller still holds is
/// never written to again.
/// </summary>
public sealed partial class Batch : IDisposable
{
    private readonly Action<Batch>? _onDispose;
    private int _disposed;

    internal Batch(NDArray x, IReadOnlyList<NDArray> inputs, NDArray? y, NDArray? sampleWeight, int[] indexArray, float[]? buffer, Action<Batch>? onDispose, IReadOnlyList<NDArray>? outputs = null)
    {
        this.outputs = outputs ?? (y is null ? [] : [y]);
        this.x = x;
        this.inputs = inputs;
        this.y = y;
        sample_weight = sampleWeight;
        index_array = indexArray;
        Buffer = buffer;
        _onDispose = onDispose;
    }

    /// <summary>The augmented images (Keras <c>batch_x</c>), shaped (batch, rows, cols, channels) or channels first.</summary>
    [NDBorrowed] // the same array as inputs[0], disposed with it
    public NDArray x { get; }

    /// <summary>All inputs: the augmented images first, then any extra inputs gathered as they are (Keras's list form).</summary>
    public IReadOnlyList<NDArray> inputs { get; }

    /// <summary>The labels of the batch, or null when the iterator has none.</summary>
    [NDBorrowed] // the same array as outputs[0], disposed with it
    public NDArray? y { get; }

    /// <summary>
    /// All targets: [y] normally, one array per column for <c>class_mode="multi_output"</c> (Keras's list of
    /// outputs, where <see cref="y"/> is null), empty without labels.
    /// </summary>
    public IReadOnlyList<NDArray> outputs { get; }

    /// <summary>The sample weights of the batch, or null.</summary>
    public NDArray? sample_weight { get; }

    /// <summary>Which samples (indices into the iterator's data) this batch holds, in order.</summary>
    public int[] index_array { get; }

    /// <summary>Number of samples in the batch.</summary>
    public int Count => index_array.Length;

    /// <summary>
    /// A float32 array behind <see cref="x"/> that the dispose callback takes back, or null (pooled iterator
    /// batches return their buffer through the array's own release instead, see <c>BufferPool</c>).
    /// </summary>
    internal float[]? Buffer { get; }

    /// <summary>The images as contiguous float32 memory, when the batch is float32.</summary>
    public Memory<float> AsMemory() => Buffer is { } b
        ? b.AsMemory(0, (int)x.size)
        : Interop.NDArrayMemory.AsMemory<float>(x, nameof(x));

    /// <summary>Keras returns x alone when there are no labels.</summary>
    public static implicit operator NDArray(Batch batch) => batch.x;

    /// <summary>Deconstructs to <c>(x, y)</c>.</summary>
    public void Deconstruct(out NDArray x, out NDArray y)
    {
        x = this.x;
        y = this.y ?? throw new InvalidOperationException(outputs.Count > 1
            ? "This batch has several outputs (class_mode=\"multi_output\"): read them from `batch.outputs`."
            : "This iterator was built without `y`, so a batch is x alone: use `var x = it.next();`.");
    }

    /// <summary>Deconstructs to <c>(x, y, sample_weight)</c>.</summary>
    public void Deconstruct(out NDArray x, out NDArray y, out NDArray sample_weight)
    {
        Deconstruct(out x, out y);
        sample_weight = this.sample_weight ?? throw new InvalidOperationException(
            "This iterator was built without `sample_weight`, so a batch is (x, y).");
    }

    /// <summary>Hands the image buffer back for reuse; the batch's arrays must not be read afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }

            foreach (var output in outputs)
            {
                output.Dispose();
            }

            sample_weight?.Dispose();
            _onDispose?.Invoke(this);
        }
    }
}
