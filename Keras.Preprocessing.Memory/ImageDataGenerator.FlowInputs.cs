using Keras.Preprocessing.Memory.Iterators;
using NumSharp;

namespace Keras.Preprocessing.Memory;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// Keras's multi-input <c>flow((images, meta), y)</c> written as <c>flow(new[] { images, meta }, y)</c>: the same as
    /// the <see cref="IReadOnlyList{T}"/> overload. It exists because an <c>NDArray[]</c> also converts to
    /// <c>NDArray</c> (NumSharp converts any array), which made that call ambiguous between the two other overloads.
    /// </summary>
    /// <param name="x">The images, then further inputs with the same first dimension.</param>
    /// <param name="y">Labels, or null.</param>
    /// <param name="batch_size">Samples per batch (default 32).</param>
    /// <param name="shuffle">Whether to shuffle the data each epoch (default true).</param>
    /// <param name="sample_weight">Sample weights, or null.</param>
    /// <param name="seed">Random seed for shuffling and augmentation.</param>
    /// <param name="save_to_dir">A directory to save the augmented images to, or null.</param>
    /// <param name="save_prefix">File name prefix for saved images.</param>
    /// <param name="save_format">"png" (default) or "jpeg".</param>
    /// <param name="ignore_class_split">Allow training and validation subsets to hold different classes.</param>
    /// <param name="subset">"training" or "validation" when <see cref="validation_split"/> is set.</param>
    /// <param name="num_shards">Data-parallel workers sharing each epoch (default 1).</param>
    /// <param name="shard_index">This worker's rank in [0, <paramref name="num_shards"/>).</param>
    /// <param name="workers">Threads augmenting (default: all cores).</param>
    /// <param name="prefetch">Batches computed ahead in the background (default 0).</param>
    /// <param name="device">Where to augment: "auto" (default), "cpu", "gpu", "gpu:N".</param>
    public NumpyArrayIterator flow(
        NDArray[] x,
        NDArray? y = null,
        int batch_size = 32,
        bool shuffle = true,
        NDArray? sample_weight = null,
        int? seed = null,
        string? save_to_dir = null,
        string save_prefix = "",
        string save_format = "png",
        bool ignore_class_split = false,
        string? subset = null,
        int num_shards = 1,
        int shard_index = 0,
        int workers = -1,
        int prefetch = 0,
        string device = "auto") =>
        flow((IReadOnlyList<NDArray>)x, y, batch_size, shuffle, sample_weight, seed, save_to_dir, save_prefix, save_format, ignore_class_split, subset, num_shards, shard_index, workers, prefetch, device);
}
