using System.Runtime.ExceptionServices;
using Keras.Preprocessing.Memory.Devices;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// What Keras's <c>BatchFromFilesMixin</c> does for <c>flow_from_dataframe</c> and <c>flow_from_directory</c>:
/// each image is loaded (colour mode, resize), augmented and standardized like an in-memory one, and labelled by
/// <c>class_mode</c>. With <c>cache=true</c> every image is decoded once, in parallel, into one contiguous uint8
/// array at construction, and epochs never touch the disk again; without it, each batch decodes its own images
/// in parallel, as Keras does one by one.
/// </summary>
public abstract class FileImageIterator : KerasIterator
{
    [NDBorrowed] // owned: disposed in Dispose
    private readonly NDArray? _cache;
    private readonly ImageArray? _cachedImages;
    private readonly ImageSample[] _samples;
    private readonly ImageDecoding _decoding;
    private readonly BatchAugmenter _augmenter;
    private readonly BatchImageWriter? _writer;
    private readonly ClassMode _mode;
    private readonly int[][]? _classLists;
    private readonly NDArray[] _targets;
    private readonly RowGather[] _targetRows;
    private readonly RowGather? _weights;
    private readonly ParallelOptions _parallel;
    private readonly int _workers;

    private protected FileImageIterator(ImageDataGenerator generator, FileIteratorSetup setup)
        : this(generator, Stage(generator, setup))
    {
    }

    private FileImageIterator(ImageDataGenerator generator, StagedSetup staged)
        : base(staged.Setup.Samples.Length, staged.Setup.Options.BatchSize, staged.Setup.Options.Shuffle, staged.Setup.Options.Seed, staged.Setup.Options.Prefetch)
    {
        var setup = staged.Setup;
        var o = setup.Options;
        image_data_generator = generator;
        _samples = setup.Samples;
        _decoding = setup.Decoding;
        _mode = setup.Mode;
        _classLists = setup.ClassLists;
        _targets = setup.Targets;
        _targetRows = [.. setup.Targets.Select(t => RowGather.Wrap(t, 0, (int)t.shape[0]))];
        sample_weight = setup.Weights;
        _weights = setup.Weights is null ? null : RowGather.Wrap(setup.Weights, 0, _samples.Length);
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = o.Workers > 0 ? o.Workers : Environment.ProcessorCount };
        class_indices = setup.ClassIndices;
        target_size = o.TargetSize;
        color_mode = o.ColorMode;
        interpolation = o.Interpolation;
        save_to_dir = o.SaveToDir;
        save_prefix = o.SavePrefix;
        save_format = o.SaveFormat;
        if (o.SaveToDir is not null)
        {
            _writer = new BatchImageWriter(o.SaveToDir, o.SavePrefix, o.SaveFormat, generator.Settings.DataFormat, nameRange: BatchImageWriter.FileNameRange);
        }

        _cache = staged.Cache;
        if (_cache is not null)
        {
            _cachedImages = ImageArray.Wrap(_cache, generator.Settings.DataFormat);
        }

        if (generator.numpy_random)
        {
            UseNumpyRandom(new NumpyBatchDraws(NumpyRandomState.Global, o.Seed, n, o.Shuffle, generator.Settings, o.TargetSize.Height, o.TargetSize.Width, o.SaveToDir is null ? 0 : BatchImageWriter.FileNameRange));
        }

        // As in flow(): with prefetch, each worker builds whole batches (see PrefetchThreads) instead of splitting each one.
        _workers = o.Workers > 0 ? o.Workers : Environment.ProcessorCount;
        int engineThreads = o.Prefetch > 0 ? 1 : _workers;

        // A GPU holds the decoded dataset; without the cache the images live on disk and are augmented where they are decoded.
        _augmenter = new BatchAugmenter(
            generator,
            _cachedImages is null ? DeviceSelector.CreateCpu(engineThreads, generator.Execution) : DeviceSelector.Create(staged.Device, _cachedImages, o.BatchSize, engineThreads, generator.Execution, fillMode: generator.Settings.FillMode, interpolationOrder: generator.Settings.InterpolationOrder));
    }

    /// <summary>The generator applied to every image (Keras <c>image_data_generator</c>).</summary>
    public ImageDataGenerator image_data_generator { get; }

    /// <summary>Number of images after filtering and splitting (Keras <c>samples</c>; the same as <c>n</c>).</summary>
    public int samples => n;

    /// <summary>Names of the images, as given (Keras <c>filenames</c>); for in-memory bytes, their row names.</summary>
    public IReadOnlyList<string> filenames => _samples.Select(s => s.Name).ToArray();

    /// <summary>Full paths of the images (Keras <c>filepaths</c>); for in-memory bytes, their row names.</summary>
    public IReadOnlyList<string> filepaths => _samples.Select(s => s.Path ?? s.Name).ToArray();

    /// <summary>Map from class name to class index (Keras <c>class_indices</c>); empty for modes without classes.</summary>
    public IReadOnlyDictionary<string, int> class_indices { get; }

    /// <summary>Number of classes.</summary>
    public int num_classes => class_indices.Count;

    /// <summary>
    /// The class index of every sample (Keras <c>classes</c>): for <c>flow_from_directory</c> whatever the class_mode
    /// (its sub-folder), for <c>flow_from_dataframe</c> only with categorical, binary or sparse labels (empty
    /// otherwise). A multi-label sample (a list of classes in the DataFrame) has several: read <see cref="class_lists"/> then.
    /// </summary>
    public int[] classes => _classLists is null
        ? []
        : _classLists.Select(c => c.Length == 1 ? c[0] : throw new InvalidOperationException(
            "Some samples have several classes (multi-label rows): read `class_lists`.")).ToArray();

    /// <summary>Every sample's class indices (one for single-label data).</summary>
    public IReadOnlyList<int[]> class_lists => _classLists ?? [];

    /// <summary>
    /// Keras <c>labels</c>: the classes for categorical/binary/sparse data (and for every <c>flow_from_directory</c>
    /// mode, as in Keras), the targets for <c>raw</c> (one array, rows = samples), null for <c>multi_output</c> (see
    /// <see cref="targets"/>) and for <c>flow_from_dataframe</c> modes without classes.
    /// </summary>
    [NDBorrowed]
    public NDArray? labels => _mode switch
    {
        ClassMode.Raw => _targets[0],
        // Keras's DirectoryIterator.labels is `classes` whatever the class_mode; a DataFrameIterator has class lists only for modes with classes.
        _ when _classLists is not null && _classLists.All(c => c.Length == 1) => new NDArray(classes, new Shape(classes.Length)),
        _ => null,
    };

    /// <summary>The target arrays of <c>multi_output</c> and <c>raw</c> modes, one per y column (rows = samples).</summary>
    public IReadOnlyList<NDArray> targets => _targets;

    /// <summary>Sample weights from <c>weight_col</c> (Keras <c>sample_weight</c>), or null.</summary>
    [NDBorrowed]
    public NDArray? sample_weight { get; }

    /// <summary>Keras <c>class_mode</c>.</summary>
    public string? class_mode => _mode switch
    {
        ClassMode.None => null,
        _ => _mode.Name().Trim('\''),
    };

    /// <summary>Keras <c>target_size</c> (height, width).</summary>
    public (int height, int width) target_size { get; }

    /// <summary>Keras <c>color_mode</c>.</summary>
    public string color_mode { get; }

    /// <summary>Keras <c>image_shape</c>: target size plus channels, in the data format.</summary>
    public int[] image_shape => _decoding.Geometry.Shape;

    /// <summary>Keras <c>interpolation</c>.</summary>
    public string interpolation { get; }

    /// <summary>Keras <c>data_format</c>.</summary>
    public string data_format => image_data_generator.data_format;

    /// <summary>Keras <c>save_to_dir</c>.</summary>
    public string? save_to_dir { get; }

    /// <summary>Keras <c>save_prefix</c>.</summary>
    public string save_prefix { get; }

    /// <summary>Keras <c>save_format</c>.</summary>
    public string save_format { get; }

    /// <summary>Whether every image was decoded once into memory.</summary>
    public bool cached => _cache is not null;

    /// <summary>Where the images are augmented.</summary>
    public string device => _augmenter.Device;

    /// <inheritdoc />
    private protected override int PrefetchThreads => _workers;

    /// <inheritdoc />
    protected override Batch BuildBatch(long epochNumber, int[] indices) => BuildBatch(epochNumber, indices, null);

    /// <inheritdoc />
    private protected override Batch BuildBatch(long epochNumber, int[] indices, DrawnBatch? drawn)
    {
        ThrowIfNoSamples(indices);
        AugmentedImages augmented;
        if (_cachedImages is not null)
        {
            augmented = _augmenter.Augment(_cachedImages, indices, indices, EffectiveSeed, epochNumber, drawn?.Transforms);
        }
        else
        {
            using var decoded = DecodeBatch(indices);
            var source = ImageArray.Wrap(decoded, image_data_generator.Settings.DataFormat);
            augmented = _augmenter.Augment(source, Enumerable.Range(0, indices.Length).ToArray(), indices, EffectiveSeed, epochNumber, drawn?.Transforms);
        }

        var images = augmented.Images;
        _writer?.Write(images, indices, 0, EffectiveSeed, epochNumber, drawn?.FileNames);
        var outputs = BuildOutputs(images, indices);
        var weights = _weights?.Gather(indices);
        return new Batch(
            images,
            [images],
            _mode == ClassMode.MultiOutput ? null : outputs.FirstOrDefault(),
            weights,
            indices,
            augmented.Buffer,
            _augmenter.Return,
            outputs);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _augmenter.Dispose();
            _cache?.Dispose();
            foreach (var target in _targets)
            {
                target.Dispose();
            }

            sample_weight?.Dispose();
        }
    }

    /// <summary>
    /// Checks the device, then decodes the cache when asked. Images that fail to decode are dropped with a warning
    /// naming them when the listing was validated (their header looked fine, their data did not), else they stop
    /// construction with an exception naming the first.
    /// </summary>
    private static StagedSetup Stage(ImageDataGenerator generator, FileIteratorSetup setup)
    {
        var o = setup.Options;
        var device = DeviceSpec.Parse(o.Device);
        if (!o.Cache && device.Kind is not (DeviceKind.Auto or DeviceKind.Cpu))
        {
            throw new ArgumentException($"`device` \"{o.Device}\" needs `cache=true`: a GPU augments the decoded dataset it holds.", "device");
        }

        if (!o.Cache || setup.Samples.Length == 0)
        {
            return new StagedSetup(setup, null, device);
        }

        var cache = DecodedImageCache.Decode(setup.Samples, setup.Decoding, o.Workers, o.Progress, out var failures);
        if (failures.Count == 0)
        {
            return new StagedSetup(setup, cache, device);
        }

        var failed = failures.OrderBy(f => f.Key).ToArray();
        string Describe(KeyValuePair<int, Exception> f) => $"{setup.Samples[f.Key].Name}: {f.Value.Message}";
        if (!setup.SkipUndecodable)
        {
            cache.Dispose();
            var first = failed[0];
            throw new ImageDecodeException(
                $"{failed.Length} image(s) could not be decoded, e.g. {Describe(first)}", setup.Samples[first.Key].Name);
        }

        KerasWarnings.Warn(
            $"{failed.Length} image(s) could not be decoded and will be ignored: " +
            string.Join("; ", failed.Take(5).Select(Describe)) + (failed.Length > 5 ? $"; and {failed.Length - 5} more" : string.Empty));
        var kept = Enumerable.Range(0, setup.Samples.Length).Where(i => !failures.ContainsKey(i)).ToArray();
        using (cache)
        {
            var compact = RowGather.Wrap(cache, 0, setup.Samples.Length).Gather(kept);
            var targets = setup.Targets.Select(t => RowGather.Wrap(t, 0, (int)t.shape[0]).Gather(kept)).ToArray();
            var weights = setup.Weights is null ? null : RowGather.Wrap(setup.Weights, 0, setup.Samples.Length).Gather(kept);
            foreach (var t in setup.Targets)
            {
                t.Dispose();
            }

            setup.Weights?.Dispose();
            return new StagedSetup(
                setup with
                {
                    Samples = [.. kept.Select(i => setup.Samples[i])],
                    ClassLists = setup.ClassLists is null ? null : [.. kept.Select(i => setup.ClassLists[i])],
                    Targets = targets,
                    Weights = weights,
                },
                compact,
                device);
        }
    }

    private NDArray DecodeBatch(int[] indices)
    {
        var g = _decoding.Geometry;
        var shape = g.Shape;
        var batch = NumSharpCompat.NewArray(NPTypeCode.Byte, new Shape(indices.Length, shape[0], shape[1], shape[2]));
        try
        {
            unsafe
            {
                byte* basePtr = (byte*)batch.Unsafe.Address;
                Parallel.For(0, indices.Length, _parallel, i =>
                    _decoding.DecodeInto(_samples[indices[i]], new Span<byte>(basePtr + ((long)i * g.Size), g.Size)));
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Parallel.For wraps what the decoder threw; callers expect load_img's own exception, naming the file.
            batch.Dispose();
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }

        return batch;
    }

    private NDArray[] BuildOutputs(NDArray images, int[] indices)
    {
        int n = indices.Length;
        switch (_mode)
        {
            case ClassMode.Input:
                return [images.copy()];
            case ClassMode.Binary or ClassMode.Sparse:
                {
                    var y = new float[n];
                    for (int i = 0; i < n; i++)
                    {
                        y[i] = _classLists![indices[i]][0];
                    }

                    return [ToDType(new NDArray(y, new Shape(n)))];
                }

            case ClassMode.Categorical:
                {
                    int k = class_indices.Count;
                    var y = new float[n * k];
                    for (int i = 0; i < n; i++)
                    {
                        foreach (int c in _classLists![indices[i]])
                        {
                            y[(i * k) + c] = 1f;
                        }
                    }

                    return [ToDType(new NDArray(y, new Shape(n, k)))];
                }

            case ClassMode.MultiOutput or ClassMode.Raw:
                return [.. _targetRows.Select(t => t.Gather(indices))];
            default:
                return [];
        }
    }

    private NDArray ToDType(NDArray labels)
    {
        if (image_data_generator.OutputType == Parameters.OutputDType.Float32)
        {
            return labels;
        }

        using (labels)
        {
            // Keras's np.zeros(..., dtype) / np.empty(..., dtype) of one-hot, binary and sparse labels: whole numbers.
            return NumSharpCompat.AsType(labels, Parameters.OutputDTypes.ToTypeCode(image_data_generator.OutputType));
        }
    }
}

/// <summary>The options every file iterator shares (Keras's arguments plus ours).</summary>
internal sealed record FileIteratorOptions(
    (int Height, int Width) TargetSize,
    string ColorMode,
    int BatchSize,
    bool Shuffle,
    int? Seed,
    string? SaveToDir,
    string SavePrefix,
    string SaveFormat,
    string Interpolation,
    bool KeepAspectRatio,
    bool Cache,
    IProgress<DecodeProgress>? Progress,
    int Workers,
    int Prefetch,
    string Device);

/// <summary>What a subclass resolved from its listing: the samples and their labels, after filtering and splitting.</summary>
internal sealed record FileIteratorSetup(
    FileIteratorOptions Options,
    ImageDecoding Decoding,
    ImageSample[] Samples,
    ClassMode Mode,
    IReadOnlyDictionary<string, int> ClassIndices,
    int[][]? ClassLists,
    [property: NDBorrowed] NDArray[] Targets, // handed to the iterator, which disposes them
    [property: NDBorrowed] NDArray? Weights,
    bool SkipUndecodable);

/// <summary>A setup after the cache stage: the decoded images (when cached) and the device to augment on.</summary>
internal sealed record StagedSetup(FileIteratorSetup Setup, [property: NDBorrowed] NDArray? Cache, DeviceSpec Device);
