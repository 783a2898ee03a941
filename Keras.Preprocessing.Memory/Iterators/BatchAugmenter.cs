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

    public BatchAugmenter(ImageDataGenerator generator, IAugmentationExecutor executor)
    {
        _generator = generator;
        _executor = executor;
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
        var request = CreateRequest(source, sourceIndices, sampleKeys, seed, epoch, drawn);
        var buffer = _generator.Buffers.Rent(g.ElementsFor(request.Plans.Length));
        _executor.Execute(request, buffer);

        long[] shape = [request.Plans.Length, .. g.Shape];
        if (_generator.OutputType == OutputDType.Float32)
        {
            // The array hands the buffer back to the pool itself, on Dispose or once collected (see BufferPool).
            return new AugmentedImages(_generator.Buffers.Wrap(buffer, shape), null);
        }

        var images = _generator.ToOutput(buffer, shape);
        _generator.Buffers.Return(buffer);
        return new AugmentedImages(images, null);
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
