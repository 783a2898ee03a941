using Keras.Preprocessing.Memory.Interop;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// A batch's data as plain .NET memory, for trainers that take spans and shapes rather than NDArrays
/// (TorchSharp's <c>torch.tensor(span, shape)</c>, TensorFlow.NET, ML.NET, your own loop). Everything here views the
/// batch's own storage: nothing is copied, and nothing may be read after the batch is disposed.
/// </summary>
public sealed partial class Batch
{
    /// <summary>
    /// A batch made by your own <see cref="KerasSequence"/>, as Keras's <c>__getitem__</c> returns <c>x</c>,
    /// <c>(x, y)</c> or <c>(x, y, sample_weight)</c>. The batch takes ownership: disposing it disposes the arrays.
    /// </summary>
    /// <param name="x">The inputs of the batch; the first axis is the batch.</param>
    /// <param name="y">The targets, or null.</param>
    /// <param name="sample_weight">Per-sample weights, or null.</param>
    /// <param name="index_array">Which samples the batch holds (default 0 .. batch size − 1).</param>
    public Batch(NumSharp.NDArray x, NumSharp.NDArray? y = null, NumSharp.NDArray? sample_weight = null, int[]? index_array = null)
        : this(
            x ?? throw new ArgumentNullException(nameof(x)),
            [x],
            y,
            sample_weight,
            index_array ?? Enumerable.Range(0, x.ndim == 0 ? 1 : (int)x.shape[0]).ToArray(),
            null,
            null)
    {
    }

    /// <summary>The shape of <see cref="x"/> as ints (numpy's <c>batch_x.shape</c>): (batch, rows, cols, channels) or channels first.</summary>
    public int[] x_shape => Shapes.ToInt32(x.shape, nameof(x));

    /// <summary>The shape of <see cref="y"/> as ints (numpy's <c>batch_y.shape</c>), or null when the iterator has no labels.</summary>
    public int[]? y_shape => y is null ? null : Shapes.ToInt32(y.shape, nameof(y));

    /// <summary>The shape of <see cref="sample_weight"/> as ints, or null when there are no sample weights.</summary>
    public int[]? sample_weight_shape => sample_weight is null ? null : Shapes.ToInt32(sample_weight.shape, nameof(sample_weight));

    /// <summary>The images as one contiguous float32 span, in <see cref="x_shape"/> order (numpy's C order).</summary>
    /// <exception cref="InvalidOperationException">The batch is float64 (generator dtype "float64"): use <see cref="AsSpan{T}"/> with double.</exception>
    public ReadOnlySpan<float> AsSpan() => AsMemory().Span;

    /// <summary>The images as one contiguous span of the generator's dtype (float for "float32", double for "float64").</summary>
    /// <typeparam name="T">float or double, matching the generator's <c>dtype</c>.</typeparam>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged => NDArrayMemory.AsSpan<T>(x, nameof(x));

    /// <summary>The images as contiguous <see cref="Memory{T}"/> of the generator's dtype, for APIs that hold on to memory across awaits.</summary>
    /// <typeparam name="T">float or double, matching the generator's <c>dtype</c>.</typeparam>
    public Memory<T> AsMemory<T>()
        where T : unmanaged => NDArrayMemory.AsMemory<T>(x, nameof(x));

    /// <summary>
    /// The labels (Keras <c>batch_y</c>) as one contiguous span of their own dtype, as given to <c>flow</c>
    /// (float for <c>to_categorical</c>'s default output, int or long for class indices), in <see cref="y_shape"/> order.
    /// </summary>
    /// <typeparam name="T">The element type of the <c>y</c> passed to <c>flow</c>; a mismatch throws, naming the real dtype.</typeparam>
    /// <exception cref="InvalidOperationException">The iterator has no labels, or <typeparamref name="T"/> is not their dtype.</exception>
    public ReadOnlySpan<T> LabelsAsSpan<T>()
        where T : unmanaged => NDArrayMemory.AsSpan<T>(RequireLabels(), nameof(y));

    /// <summary>The labels as contiguous <see cref="Memory{T}"/> of their own dtype (see <see cref="LabelsAsSpan{T}"/>).</summary>
    /// <typeparam name="T">The element type of the <c>y</c> passed to <c>flow</c>.</typeparam>
    public Memory<T> LabelsAsMemory<T>()
        where T : unmanaged => NDArrayMemory.AsMemory<T>(RequireLabels(), nameof(y));

    /// <summary>The sample weights (Keras <c>batch_sample_weight</c>) as one contiguous span of their own dtype.</summary>
    /// <typeparam name="T">The element type of the <c>sample_weight</c> passed to <c>flow</c>.</typeparam>
    public ReadOnlySpan<T> SampleWeightAsSpan<T>()
        where T : unmanaged => NDArrayMemory.AsSpan<T>(RequireWeights(), nameof(sample_weight));

    /// <summary>The sample weights as contiguous <see cref="Memory{T}"/> of their own dtype.</summary>
    /// <typeparam name="T">The element type of the <c>sample_weight</c> passed to <c>flow</c>.</typeparam>
    public Memory<T> SampleWeightAsMemory<T>()
        where T : unmanaged => NDArrayMemory.AsMemory<T>(RequireWeights(), nameof(sample_weight));

    private NumSharp.NDArray RequireLabels() => y ?? throw new InvalidOperationException(
        "This iterator was built without `y`, so its batches have no labels.");

    private NumSharp.NDArray RequireWeights() => sample_weight ?? throw new InvalidOperationException(
        "This iterator was built without `sample_weight`, so its batches have no weights.");
}
