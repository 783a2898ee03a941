using Keras.Preprocessing.Memory.Devices;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Keras's <c>NumpyArrayIterator</c>, what <see cref="ImageDataGenerator.flow(NDArray, NDArray?, int, bool, NDArray?, int?, string?, string, string, bool, string?, int, int, int, int, string)"/>
/// returns: batches of augmented images from an in-memory array, with their labels and sample weights. The
/// caller's array is read in place (uint8 stays uint8 in memory); each batch is converted to float32 as it is built.
/// With a generator <c>dtype</c> other than float32 and float64, the array is first converted to that dtype, as
/// Keras's <c>np.asarray(x, dtype)</c> does, and batches come out in it.
/// </summary>
public sealed class NumpyArrayIterator : KerasIterator
{
    private readonly ImageArray _images;
    private readonly RowGather[] _misc;
    private readonly RowGather? _labels;
    private readonly RowGather? _weights;
    private readonly int _offset;
    private readonly BatchAugmenter _augmenter;
    private readonly int _workers;
    private readonly BatchImageWriter? _writer;
    private readonly Sharding _sharding;
    private readonly int _total;

    internal NumpyArrayIterator(
        ImageDataGenerator generator,
        IReadOnlyList<NDArray> x,
        NDArray? y,
        NDArray? sampleWeight,
        int batchSize,
        bool shuffle,
        int? seed,
        string? saveToDir,
        string savePrefix,
        string saveFormat,
        bool ignoreClassSplit,
        string? subset,
        int numShards,
        int shardIndex,
        int workers,
        int prefetch,
        string device)
        : this(generator, DeviceSpec.Parse(device), Prepare(generator, x, y, sampleWeight, subset, ignoreClassSplit), Sharding.Create(numShards, shardIndex, shuffle, seed), batchSize, shuffle, seed, saveToDir, savePrefix, saveFormat, workers, prefetch)
    {
    }

    private NumpyArrayIterator(
        ImageDataGenerator generator, DeviceSpec device, Prepared p, Sharding sharding, int batchSize, bool shuffle, int? seed, string? saveToDir, string savePrefix, string saveFormat, int workers, int prefetch)
        : base(sharding.SliceOf(p.Count).Count, batchSize, shuffle, seed, prefetch)
    {
        _sharding = sharding;
        _total = p.Count;
        image_data_generator = generator;
        _images = p.Images;
        _misc = p.Misc;
        _labels = p.Labels;
        _weights = p.Weights;
        _offset = p.Offset;
        save_to_dir = saveToDir;
        save_prefix = savePrefix;
        save_format = saveFormat;
        if (saveToDir is not null)
        {
            _writer = new BatchImageWriter(saveToDir, savePrefix, saveFormat, generator.Settings.DataFormat);
        }

        // With prefetch, the workers build whole batches side by side (one thread each, see PrefetchThreads)
        // instead of splitting every batch: no per-batch join, so one descheduled thread stalls only its own batch.
        _workers = workers > 0 ? workers : Environment.ProcessorCount;

        if (generator.numpy_random)
        {
            if (sharding.NumShards > 1)
            {
                throw new ArgumentException(
                    "`num_shards` > 1 needs the keyed random mode: Keras has no shards, so `numpy_random` has no Keras order to reproduce.", "num_shards");
            }

            UseNumpyRandom(new NumpyBatchDraws(NumpyRandomState.Global, seed, n, shuffle, generator.Settings, _images.Geometry.Rows, _images.Geometry.Cols, saveToDir is null ? 0 : BatchImageWriter.ArrayNameRange));
        }

        // Last, once every argument is known good: a GPU executor holds device memory from here on.
        _augmenter = new BatchAugmenter(generator, DeviceSelector.Create(device, _images, batchSize, prefetch > 0 ? 1 : _workers, generator.Execution, sharding.ShardIndex, generator.Settings.FillMode, generator.Settings.InterpolationOrder), imagesInDType: true);
    }

    /// <summary>The generator whose augmentation and standardization this iterator applies (Keras <c>image_data_generator</c>).</summary>
    public ImageDataGenerator image_data_generator { get; }

    /// <summary>The images this iterator serves, as given, or as converted to an integer or float16 <c>dtype</c> (the whole array; a subset serves a slice of it).</summary>
    [NDBorrowed]
    public NDArray x => _images.Array;

    /// <summary>The labels as given, or null.</summary>
    [NDBorrowed]
    public NDArray? y => _labels?.Array;

    /// <summary>The sample weights as given, or null.</summary>
    [NDBorrowed]
    public NDArray? sample_weight => _weights?.Array;

    /// <summary>Keras <c>data_format</c>.</summary>
    public string data_format => image_data_generator.data_format;

    /// <summary>Keras <c>dtype</c> of the batches.</summary>
    public string dtype => image_data_generator.dtype;

    /// <summary>Keras <c>save_to_dir</c>.</summary>
    public string? save_to_dir { get; }

    /// <summary>Keras <c>save_prefix</c>.</summary>
    public string save_prefix { get; }

    /// <summary>Keras <c>save_format</c>.</summary>
    public string save_format { get; }

    /// <summary>
    /// Where the images are augmented, as chosen by <c>flow(device: ...)</c>: "cpu" or "cuda:N". "auto" resolves to what it picked; a GPU that cannot hold a batch reports "cpu".
    /// </summary>
    public string device => _augmenter.Device;

    /// <summary>
    /// The next batch, like <c>next()</c>, but left in device memory for consumers that take it there (the
    /// images are never downloaded). Needs a GPU device (<see cref="device"/> other than "cpu"). Prefetched
    /// host batches are dropped, so mixing it with <c>next()</c> skips nothing.
    /// </summary>
    public DeviceBatch next_on_device()
    {
        var executor = _augmenter.Executor;
        if (!executor.HasDeviceMemory)
        {
            throw new InvalidOperationException(
                $"`next_on_device()` needs a GPU device, but this iterator augments on \"{device}\": create it with flow(..., device: \"gpu\").");
        }

        return ServeNext((epochNumber, indices, drawn) =>
        {
            ThrowIfNoSamples(indices);
            var sources = SourceIndices(indices);
            var images = executor.ExecuteOnDevice(_augmenter.CreateRequest(_images, sources, sources, EffectiveSeed, epochNumber, drawn?.Transforms));
            return new DeviceBatch(
                images,
                [indices.Length, .. _images.Geometry.Shape],
                device,
                _labels?.Gather(indices),
                _weights?.Gather(indices),
                indices);
        });
    }

    /// <summary>How many data-parallel workers share each epoch (tf.data <c>shard(num_shards, index)</c>); 1 when not sharded.</summary>
    public int num_shards => _sharding.NumShards;

    /// <summary>Which worker's slice of each epoch this iterator serves, in [0, num_shards).</summary>
    public int shard_index => _sharding.ShardIndex;

    /// <summary>The seed that keys the order and augmentations (the given one, or the one drawn for this iterator).</summary>
    internal long AugmentationSeed => EffectiveSeed;

    /// <summary>Where the served samples start in <see cref="x"/> (non-zero for the "training" subset).</summary>
    internal int SourceOffset => _offset;

    internal ImageArray Images => _images;

    /// <inheritdoc />
    private protected override int PrefetchThreads => _workers;

    /// <inheritdoc />
    protected override Batch BuildBatch(long epochNumber, int[] indices) => BuildBatch(epochNumber, indices, null);

    /// <inheritdoc />
    private protected override Batch BuildBatch(long epochNumber, int[] indices, DrawnBatch? drawn)
    {
        ThrowIfNoSamples(indices);
        var sources = SourceIndices(indices);
        var (images, buffer) = _augmenter.Augment(_images, sources, sources, EffectiveSeed, epochNumber, drawn?.Transforms);
        _writer?.Write(images, indices, _offset, EffectiveSeed, epochNumber, drawn?.FileNames);

        var inputs = new List<NDArray>(1 + _misc.Length) { images };
        foreach (var misc in _misc)
        {
            inputs.Add(misc.Gather(indices));
        }

        return new Batch(images, inputs, _labels?.Gather(indices), _weights?.Gather(indices), indices, buffer, _augmenter.Return);
    }

    /// <inheritdoc />
    private protected override int[] CreateOrder(long epochNumber) => _sharding.CreateOrder(_total, shuffle, EffectiveSeed, epochNumber);

    /// <summary>Positions in <see cref="x"/> of the served samples (a training subset starts past the validation part).</summary>
    private int[] SourceIndices(int[] indices)
    {
        var sources = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            sources[i] = _offset + indices[i];
        }

        return sources;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _augmenter.Dispose();
        }
    }

    private static Prepared Prepare(ImageDataGenerator generator, IReadOnlyList<NDArray> x, NDArray? y, NDArray? sampleWeight, string? subset, bool ignoreClassSplit)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count == 0 || x[0] is null)
        {
            throw new ArgumentException("`x` should hold the images (and optionally further inputs).", nameof(x));
        }

        var images = ImageArray.Wrap(x[0], generator.Settings.DataFormat);
        var dtype = generator.OutputType;
        if ((dtype.IsIntegral() || dtype == OutputDType.Float16) && x[0].typecode != dtype.ToTypeCode())
        {
            // Keras's self.x = np.asarray(x, dtype): with an integer dtype the images are truncated (and wrapped) before
            // any augmentation, with float16 rounded. float32 and float64 stay as given: we compute in float32 either way.
            images = ImageArray.Wrap(DTypeConversion.ConvertImages(images, dtype), generator.Settings.DataFormat);
        }

        int length = images.Count;
        for (int i = 1; i < x.Count; i++)
        {
            if (x[i] is null || x[i].ndim < 1 || x[i].shape[0] != length)
            {
                throw new ArgumentException(
                    "All of the arrays in `x` should have the same length. " +
                    $"Found a pair with: len(x[0]) = {length}, len(x[{i}]) = {(x[i] is null ? "None" : x[i].ndim < 1 ? "scalar" : x[i].shape[0])}",
                    nameof(x));
            }
        }

        if (y is not null && (y.ndim < 1 || y.shape[0] != length))
        {
            throw new ArgumentException(
                "`x` (images tensor) and `y` (labels) should have the same length. " +
                $"Found: x.shape = {Shapes.Format(x[0].shape)}, y.shape = {Shapes.Format(y.shape)}",
                nameof(y));
        }

        if (sampleWeight is not null && (sampleWeight.ndim < 1 || sampleWeight.shape[0] != length))
        {
            throw new ArgumentException(
                "`x` (images tensor) and `sample_weight` should have the same length. " +
                $"Found: x.shape = {Shapes.Format(x[0].shape)}, sample_weight.shape = {Shapes.Format(sampleWeight.shape)}",
                "sample_weight");
        }

        CheckChannels(images, generator.Settings.DataFormat, x[0].shape);

        int offset = 0, count = length;
        if (subset is not null)
        {
            if (subset is not ("training" or "validation"))
            {
                throw new ArgumentException($"Invalid subset name: {subset}; expected \"training\" or \"validation\".", nameof(subset));
            }

            if (generator.validation_split == 0)
            {
                throw new ArgumentException(
                    $"`subset` is \"{subset}\" but the ImageDataGenerator has no `validation_split`: set validation_split to split the data.",
                    nameof(subset));
            }

            int split = (int)(length * generator.validation_split);
            if (y is not null && !ignoreClassSplit)
            {
                var all = RowGather.Wrap(y, 0, length);
                if (!all.SameValuesEitherSideOf(split))
                {
                    throw new ArgumentException(
                        "Training and validation subsets have different number of classes after the split. " +
                        "If your numpy arrays are sorted by the label, you might want to shuffle them.",
                        nameof(y));
                }
            }

            (offset, count) = subset == "validation" ? (0, split) : (split, length - split);
        }

        var misc = new RowGather[x.Count - 1];
        for (int i = 1; i < x.Count; i++)
        {
            misc[i - 1] = RowGather.Wrap(x[i], offset, count);
        }

        return new Prepared(
            images,
            misc,
            y is null ? null : RowGather.Wrap(y, offset, count),
            sampleWeight is null ? null : RowGather.Wrap(sampleWeight, offset, count),
            offset,
            count);
    }

    private static void CheckChannels(ImageArray images, DataFormat format, long[] shape)
    {
        int channels = images.Geometry.Channels;
        if (channels is 1 or 3 or 4)
        {
            return;
        }

        // Keras only warns, whatever the other axes hold (channels_first data under channels_last included), and then
        // augments the array as the data format says: so do we.
        int axis = format == DataFormat.ChannelsLast ? 3 : 1;
        KerasWarnings.Warn(
            $"NumpyArrayIterator is set to use the data format convention \"{format.ToKerasName()}\" (channels on axis {axis}), " +
            $"i.e. expected either 1, 3, or 4 channels on axis {axis}. However, it was passed an array with shape " +
            $"{Shapes.Format(shape)} ({channels} channels).");
    }

    private sealed record Prepared(ImageArray Images, RowGather[] Misc, RowGather? Labels, RowGather? Weights, int Offset, int Count);
}
