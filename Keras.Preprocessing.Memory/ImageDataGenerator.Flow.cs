using Keras.Preprocessing.Memory.Iterators;
using NumSharp;

namespace Keras.Preprocessing.Memory;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// Takes data and label arrays and generates batches of augmented data (Keras <c>flow</c>).
    /// </summary>
    /// <param name="x">Images, rank 4, in this generator's data format (uint8, float32, ... read in place).</param>
    /// <param name="y">Labels, any array with the same first dimension, or null (batches are then x alone).</param>
    /// <param name="batch_size">Samples per batch (default 32).</param>
    /// <param name="shuffle">Whether to shuffle the data each epoch (default true).</param>
    /// <param name="sample_weight">Sample weights, or null.</param>
    /// <param name="seed">Random seed for shuffling and augmentation; the same seed gives the same batches.</param>
    /// <param name="save_to_dir">A directory to save the augmented images to, for inspection, or null.</param>
    /// <param name="save_prefix">File name prefix for saved images.</param>
    /// <param name="save_format">"png" (default), "jpeg"/"jpg", "bmp", "webp", "ppm" or "tiff"/"tif".</param>
    /// <param name="ignore_class_split">Allow training and validation subsets to hold different classes (newer Keras).</param>
    /// <param name="subset">"training" or "validation" when <see cref="validation_split"/> is set.</param>
    /// <param name="num_shards">Data-parallel workers sharing each epoch (default 1); see <paramref name="shard_index"/>.</param>
    /// <param name="shard_index">This worker's rank in [0, <paramref name="num_shards"/>): it serves a disjoint block of the same
    /// (seed, epoch) permutation, so all workers together see every sample exactly once per epoch; a remainder goes to the
    /// first shards, one sample each. Shuffling across shards needs a fixed <paramref name="seed"/>.</param>
    /// <param name="workers">Threads augmenting (default: all cores): they split each batch, or with <paramref name="prefetch"/> &gt; 0 build
    /// different batches side by side. Results do not depend on it.</param>
    /// <param name="prefetch">Batches computed ahead in the background by <c>next()</c> (default 0), so augmentation overlaps the
    /// caller's own work (a training step). Results do not depend on it.</param>
    /// <param name="device">
    /// Where to augment, spelled as TensorFlow spells devices: "auto" (default: the first CUDA GPU when there is one,
    /// else the CPU), "cpu", "gpu"/"cuda" or "gpu:N"/"cuda:N" (an error when that GPU is missing). On a GPU the
    /// array is uploaded once and batches are computed there; prefetch ≥ 1 overlaps a batch's download with the
    /// next one's kernels.
    /// </param>
    public NumpyArrayIterator flow(
        NDArray x,
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
        flow([x], y, batch_size, shuffle, sample_weight, seed, save_to_dir, save_prefix, save_format, ignore_class_split, subset, num_shards, shard_index, workers, prefetch, device);

    /// <summary>
    /// Keras's multi-input form of <c>flow</c>: <paramref name="x"/>[0] holds the images, which are augmented; the
    /// further arrays are gathered per batch as they are and returned after the images in <see cref="Batch.inputs"/>.
    /// </summary>
    /// <param name="x">The images, then further inputs with the same first dimension.</param>
    /// <param name="y">Labels, or null.</param>
    /// <param name="batch_size">Samples per batch (default 32).</param>
    /// <param name="shuffle">Whether to shuffle the data each epoch (default true).</param>
    /// <param name="sample_weight">Sample weights, or null.</param>
    /// <param name="seed">Random seed for shuffling and augmentation.</param>
    /// <param name="save_to_dir">A directory to save the augmented images to, or null.</param>
    /// <param name="save_prefix">File name prefix for saved images.</param>
    /// <param name="save_format">"png" (default), "jpeg"/"jpg", "bmp", "webp", "ppm" or "tiff"/"tif".</param>
    /// <param name="ignore_class_split">Allow training and validation subsets to hold different classes.</param>
    /// <param name="subset">"training" or "validation" when <see cref="validation_split"/> is set.</param>
    /// <param name="num_shards">Data-parallel workers sharing each epoch (default 1).</param>
    /// <param name="shard_index">This worker's rank in [0, <paramref name="num_shards"/>); see the single-input overload.</param>
    /// <param name="workers">Threads augmenting (default: all cores): they split each batch, or build different batches when prefetching.</param>
    /// <param name="prefetch">Batches computed ahead in the background (default 0).</param>
    /// <param name="device">Where to augment: "auto" (default), "cpu", "gpu", "gpu:N" (see the single-input overload).</param>
    public NumpyArrayIterator flow(
        IReadOnlyList<NDArray> x,
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
        new(this, x, y, sample_weight, batch_size, shuffle, seed, save_to_dir, save_prefix, save_format, ignore_class_split, subset, num_shards, shard_index, workers, prefetch, device);
}
