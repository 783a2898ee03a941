using Keras.Preprocessing.Memory.Sampling;

namespace Keras.Preprocessing.Memory;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// Beyond Keras: whether this generator draws from numpy's global generator (<see cref="NumpyRandom"/>) as Keras
    /// does, so that <c>flow(..., seed: s)</c>, <c>random_transform(x, seed)</c>, <c>get_random_transform</c> and
    /// <c>fit(augment: true, seed: s)</c> give Keras's numbers for the same seed. An iterator then reseeds with
    /// <c>seed + total_batches_seen</c> before each batch, draws <c>permutation(n)</c> when an epoch starts and each
    /// sample's transform in batch order; the draws are made in that order under a lock when a batch is reserved
    /// (prefetch and workers still warp in parallel). The augmentations beyond Keras (random erasing) draw from the
    /// same stream after Keras's draws for each image. Shards are not available in this mode.
    /// </summary>
    public bool numpy_random { get; }

    /// <summary>One <c>get_random_transform</c> from numpy's global generator, after <c>np.random.seed(seed)</c> when seeded.</summary>
    private TransformParameters DrawNumpyTransform(int rows, int cols, int? seed)
    {
        var state = NumpyRandomState.Global;
        lock (state.Gate)
        {
            if (seed is { } s)
            {
                state.Seed(s);
            }

            var draws = new NumpyDraws(state);
            return RandomTransformSampler.Sample(Settings, rows, cols, ref draws);
        }
    }

    /// <summary>
    /// Keras's <c>fit</c> draws: <c>np.random.seed(seed)</c> once when seeded (with or without augment), then
    /// (<paramref name="count"/> &gt; 0 with augment) one <c>random_transform</c> per image, image by image, round by round.
    /// </summary>
    private TransformParameters[] DrawNumpyFitTransforms(int count, int rows, int cols, int? seed)
    {
        var state = NumpyRandomState.Global;
        var drawn = new TransformParameters[count];
        lock (state.Gate)
        {
            if (seed is { } s)
            {
                state.Seed(s);
            }

            var draws = new NumpyDraws(state);
            for (int i = 0; i < count; i++)
            {
                drawn[i] = RandomTransformSampler.Sample(Settings, rows, cols, ref draws);
            }
        }

        return drawn;
    }
}
