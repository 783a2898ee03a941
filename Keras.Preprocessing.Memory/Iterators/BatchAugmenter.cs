using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Turns a list of images into one augmented, standardized batch: draws each sample's transform from its
/// (seed, epoch, sample) stream, runs the executor into a pooled buffer, and wraps it in the generator's dtype.
/// Shared by every iterator, whatever its images come from.
/// </summary>
internal sealed class BatchAugmenter : IDisposable
{
    private readonly ImageDataGenerator _generator;
    private readonly IAugmentationExecutor _executor;

    private readonly bool _imagesInDType;

    /// <param name="generator">The generator whose settings, statistics and dtype apply.</param>
    /// <param name="executor">The engine that augments.</param>
    /// <param name="imagesInDType">
    /// Whether Keras holds the images in the generator's dtype while it augments them (<c>flow</c>: its
    /// <c>np.asarray(x, dtype)</c>), rather than as float32 (the file iterators' <c>img_to_array</c>). With an integer
    /// dtype that decides how the warp is rounded and which standardize steps numpy refuses.
    /// </param>
    public BatchAugmenter(ImageDataGenerator generator, IAugmentationExecutor executor, bool imagesInDType = false)
    {
        _generator = generator;
        _executor = executor;
        _imagesInDType = imagesInDType;
    }

    public string Device => _executor.Name;

    /// <summary>
    /// Augments images <paramref name="sourceIndices"/> of <paramref name="source"/>; <paramref name="sampleKeys"/>
    /// name the samples for the random streams (the same sample gets the same transform, wherever it is read from).
    /// <paramref name="drawn"/>, when given, are the transforms already drawn in Keras's order (numpy_random).
    /// </summary>
    public AugmentedImages Augment(ImageArray source, ReadOnlySpan<int> sourceIndices, ReadOnlySpan<int> sampleKeys, long seed, long epoch, TransformParameters[]? drawn = null)
    {
        var g = source.Geometry;
        _executor.Announce(); // the transforms are drawn and the buffer rented while the engine's threads wake
        var request = CreateRequest(source, sourceIndices, sampleKeys, seed, epoch, drawn);
        var rounding = ChooseRounding(request.Standardization);
        var buffer = _generator.Buffers.Rent(g.ElementsFor(request.Plans.Length));
        _executor.Execute(request, buffer);

        long[] shape = [request.Plans.Length, .. g.Shape];
        if (_generator.OutputType == OutputDType.Float32)
        {
            // The array hands the buffer back to the pool itself, on Dispose or once collected (see BufferPool).
            return new AugmentedImages(_generator.Buffers.Wrap(buffer, shape), null);
        }

        var images = _generator.OutputType == OutputDType.Float64
            ? _generator.ToOutput(buffer, shape)
            : DTypeConversion.Convert(buffer.AsSpan(0, g.ElementsFor(request.Plans.Length)), shape, _generator.OutputType, rounding);
        _generator.Buffers.Return(buffer);
        return new AugmentedImages(images, null);
    }

    /// <summary>
    /// How Keras turns this batch into an integer dtype. When flow's images are integers all the way through
    /// <c>apply_transform</c> (no channel shift or brightness, which return floats; no preprocessing_function, whose
    /// result is ours in float32), scipy rounds the warp into the integer image; numpy then refuses the in-place float
    /// steps of <c>standardize</c> (UFuncTypeError), and so do we, naming <c>dtype</c>. ZCA is not in place: it makes
    /// the image float, which the batch assignment truncates.
    /// </summary>
    private IntegerRounding ChooseRounding(Standardization standardization)
    {
        var settings = _generator.Settings;
        bool integerImages = _imagesInDType && _generator.OutputType.IsIntegral() && settings.ChannelShiftRange == 0 &&
            settings.BrightnessRange is null && standardization.PreprocessingFunction is null;
        if (!integerImages)
        {
            return IntegerRounding.Truncate;
        }

        string? refused = standardization switch
        {
            { Rescale: not null } => "rescale",
            { SamplewiseCenter: true } => "samplewise_center",
            { SamplewiseStdNormalization: true } => "samplewise_std_normalization",
            { FeatureMean: not null } => "featurewise_center",
            { FeatureStd: not null } => "featurewise_std_normalization",
            _ => null,
        };
        if (refused is not null)
        {
            throw new ArgumentException(
                $"`dtype` is \"{_generator.dtype}\": Keras holds flow's images as {_generator.dtype} and applies `{refused}` to them in place, " +
                $"which numpy refuses (UFuncTypeError: Cannot cast ufunc output from float64 to {_generator.dtype}). Use a float dtype and " +
                "cast the batches, or add channel_shift_range/brightness_range (which make Keras's images float).",
                "dtype");
        }

        return standardization.PrincipalComponents is null ? IntegerRounding.Round : IntegerRounding.Truncate;
    }

    /// <summary>The executor this augmenter runs on.</summary>
    public IAugmentationExecutor Executor => _executor;

    /// <summary>The work of one batch: each sample's plan, drawn from its (seed, epoch, sample) stream, and the standardization now.</summary>
    public AugmentationRequest CreateRequest(ImageArray source, ReadOnlySpan<int> sourceIndices, ReadOnlySpan<int> sampleKeys, long seed, long epoch, TransformParameters[]? drawn = null)
    {
        var g = source.Geometry;
        var settings = _generator.Settings;
        var plans = new SamplePlan[sourceIndices.Length];
        for (int i = 0; i < plans.Length; i++)
        {
            TransformParameters parameters;
            if (drawn is not null)
            {
                parameters = drawn[i];
            }
            else
            {
                var rng = SampleRandom.For(seed, RandomStream.Transform, epoch, sampleKeys[i]);
                parameters = RandomTransformSampler.Sample(settings, g.Rows, g.Cols, ref rng);
            }

            plans[i] = SamplePlan.Create(sourceIndices[i], parameters, g.Rows, g.Cols);
        }

        return _generator.CreateRequest(source, plans, _generator.CurrentStandardization(g));
    }

    /// <summary>What a disposed batch hands back.</summary>
    public void Return(Batch batch)
    {
        if (batch.Buffer is { } buffer)
        {
            _generator.Buffers.Return(buffer);
        }
    }

    public void Dispose() => _executor.Dispose();
}

/// <summary>An augmented batch of images and, when float32, the pooled buffer behind it.</summary>
internal readonly record struct AugmentedImages([property: NDBorrowed] NDArray Images, float[]? Buffer);
