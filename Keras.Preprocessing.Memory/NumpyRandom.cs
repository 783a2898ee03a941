using Keras.Preprocessing.Memory.Sampling;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Beyond Keras: numpy's global random generator (<c>np.random</c>, the legacy <c>RandomState</c> over MT19937),
/// reproduced draw for draw as numpy 1.x computes it. It is the stream that generators created with
/// <c>numpy_random: true</c> draw from, in Keras's order, so a ported script that calls
/// <c>np.random.seed(...)</c> calls <see cref="seed"/> here and gets Keras's shuffles and augmentations. It is
/// process-wide, as numpy's is; every call is thread-safe. NumSharp's own <c>np.random</c> is a different
/// generator and does not affect this one.
/// </summary>
public static class NumpyRandom
{
    /// <summary>Seeds the global generator (numpy <c>np.random.seed(seed)</c> with an integer seed).</summary>
    /// <param name="seed">An integer in [0, 2³² - 1], as numpy requires.</param>
    public static void seed(long seed) => NumpyRandomState.Global.Seed(seed);

    /// <summary>A double in [0, 1) (numpy <c>np.random.random()</c>, also <c>random_sample()</c>).</summary>
    public static double random() => NumpyRandomState.Global.RandomSample();

    /// <summary>A double in [low, high), computed as low + (high - low) · random() (numpy <c>np.random.uniform</c>).</summary>
    /// <param name="low">Lower bound (included).</param>
    /// <param name="high">Upper bound (excluded).</param>
    public static double uniform(double low = 0.0, double high = 1.0) => NumpyRandomState.Global.Uniform(low, high);

    /// <summary>An integer in [low, high) (numpy <c>np.random.randint(low, high)</c>, dtype int64).</summary>
    /// <param name="low">Lowest value (included).</param>
    /// <param name="high">One above the highest value.</param>
    public static long randint(long low, long high) => NumpyRandomState.Global.RandInt(low, high);

    /// <summary>A random order of 0..n-1 (numpy <c>np.random.permutation(n)</c>).</summary>
    /// <param name="n">How many indices.</param>
    public static int[] permutation(int n) => NumpyRandomState.Global.Permutation(n);

    /// <summary>Shuffles an array in place (numpy <c>np.random.shuffle(x)</c> on a 1-D array; the same draws as <see cref="permutation"/>).</summary>
    /// <param name="x">The array to shuffle.</param>
    public static void shuffle<T>(T[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        NumpyRandomState.Global.Shuffle<T>(x);
    }
}
