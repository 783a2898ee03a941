using Keras.Preprocessing.Memory.Sampling;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>The order of samples in an epoch: identity, or a Fisher-Yates permutation keyed by (seed, epoch).</summary>
internal static class EpochOrder
{
    public static int[] Create(int n, bool shuffle, long seed, long epoch)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        if (shuffle)
        {
            var rng = SampleRandom.For(seed, RandomStream.Shuffle, epoch, 0);
            for (int i = n - 1; i > 0; i--)
            {
                int j = (int)rng.NextInt64(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        return order;
    }
}
