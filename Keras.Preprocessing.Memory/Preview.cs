using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Sources;
using Keras.Preprocessing.Memory.Visualization;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Pictures of what augmentation does, the contact sheet Keras users build by hand with matplotlib over
/// <c>flow(...)</c> batches: one row per image, the original in the first column and augmented versions after it.
/// </summary>
public static class Preview
{
    /// <summary>
    /// Saves a PNG contact sheet of <paramref name="rows"/> images from <paramref name="x"/> (the first ones, repeated
    /// when there are fewer): the original in column 0, then <paramref name="cols"/> − 1 augmentations. Column c shows
    /// exactly what <c>generator.flow(x, seed: seed)</c> yields for that image in epoch c − 1 (further rows of a repeated
    /// image continue with later epochs). Every tile is scaled to 0..255 like Keras's <c>array_to_img(scale=True)</c>.
    /// </summary>
    /// <param name="generator">The augmentation (and standardization) to show.</param>
    /// <param name="x">Images, rank 4 in the generator's data format, or one image of rank 3; 1, 3 or 4 channels.</param>
    /// <param name="rows">Rows of the grid (images shown).</param>
    /// <param name="cols">Columns of the grid, the original's included (at least 2).</param>
    /// <param name="path">Where to write the PNG; its folder is created if needed.</param>
    /// <param name="seed">Random seed; the same seed draws the same grid (null: a fresh one each call).</param>
    /// <param name="padding">Pixels of white between tiles and around the grid (default 2).</param>
    public static void preview_grid(ImageDataGenerator generator, NDArray x, int rows, int cols, string path, int? seed = null, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(x);
        CheckLayout(rows, cols, path, padding);
        using var single = x.ndim == 3 ? x.reshape([1, .. x.shape]) : null;
        var source = ImageArray.Wrap(single ?? x, generator.Settings.DataFormat);
        if (source.Count == 0)
        {
            throw new ArgumentException("`x` holds no images to preview.", nameof(x));
        }

        var samples = Enumerable.Range(0, Math.Min(rows, source.Count)).ToArray();
        ContactSheet.Write(generator, source, samples, seed ?? Random.Shared.NextInt64(), 0, rows, cols, padding, path);
    }

    /// <summary>
    /// Saves a PNG contact sheet of what <paramref name="iterator"/> will yield: its first <paramref name="rows"/>
    /// samples in the current epoch's order, each original followed by its augmentations in this epoch and the next
    /// ones, drawn with the iterator's own seed (and subset and shard). The iterator's state is not changed.
    /// </summary>
    /// <param name="iterator">An iterator from <c>flow</c>.</param>
    /// <param name="rows">Rows of the grid (samples shown).</param>
    /// <param name="cols">Columns of the grid, the original's included (at least 2).</param>
    /// <param name="path">Where to write the PNG; its folder is created if needed.</param>
    /// <param name="padding">Pixels of white between tiles and around the grid (default 2).</param>
    public static void preview_grid(NumpyArrayIterator iterator, int rows, int cols, string path, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(iterator);
        CheckLayout(rows, cols, path, padding);
        var order = iterator.index_array;
        if (order.Length == 0)
        {
            throw new ArgumentException("The iterator serves no samples to preview.", nameof(iterator));
        }

        var samples = order.Take(rows).Select(i => iterator.SourceOffset + i).ToArray();
        ContactSheet.Write(
            iterator.image_data_generator, iterator.Images, samples, iterator.AugmentationSeed, iterator.epoch, rows, cols, padding, path);
    }

    private static void CheckLayout(int rows, int cols, string path, int padding)
    {
        if (rows < 1)
        {
            throw new ArgumentException($"`rows` should be at least 1. Received: {rows}", nameof(rows));
        }

        if (cols < 2)
        {
            throw new ArgumentException($"`cols` counts the original's column too, so it should be at least 2. Received: {cols}", nameof(cols));
        }

        if (padding < 0)
        {
            throw new ArgumentException($"`padding` should be 0 or more pixels. Received: {padding}", nameof(padding));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(path);
    }
}
