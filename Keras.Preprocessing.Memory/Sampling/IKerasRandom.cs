using Keras.Preprocessing.Memory.Augmentations;

namespace Keras.Preprocessing.Memory.Sampling;

/// <summary>
/// The draws Keras's <c>get_random_transform</c> makes, over which <see cref="RandomTransformSampler"/> is generic:
/// the keyed per-sample stream (<see cref="SampleRandom"/>, the default) or numpy's global generator
/// (<see cref="NumpyDraws"/>, the <c>numpy_random</c> mode).
/// </summary>
internal interface IKerasRandom : IRandomDraws
{
    /// <summary>-1 or +1, each with probability 1/2 (Keras's <c>np.random.choice([-1, 1])</c>).</summary>
    int NextSign();
}
