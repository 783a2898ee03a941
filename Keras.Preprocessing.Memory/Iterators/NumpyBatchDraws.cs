using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sampling;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Keras's <c>Iterator</c> random sequence, drawn from numpy's global generator (the <c>numpy_random</c> mode):
/// before each batch <c>np.random.seed(seed + total_batches_seen)</c> when a seed is set; when an epoch starts,
/// <c>np.random.permutation(n)</c> if shuffling; then each sample's <c>get_random_transform</c>, in batch order.
/// The iterator calls it on its ordering thread, under its lock and holding <see cref="Gate"/>, so the draws
/// happen in Keras's sequential order however many batches are prefetched; the warps then run in parallel from
/// the drawn parameters. Orders are kept per epoch number, as the iterator's tickets name them. With
/// <c>save_to_dir</c>, Keras then draws each file name's random part, <c>np.random.randint(range)</c>, image by
/// image: drawn here too, so the names are Keras's and the stream stays in step.
/// </summary>
internal sealed class NumpyBatchDraws
{
    private readonly NumpyRandomState _state;
    private readonly int? _seed;
    private readonly int _n;
    private readonly bool _shuffle;
    private readonly AugmentationSettings _settings;
    private readonly int _rows;
    private readonly int _cols;
    private readonly int _fileNameRange;
    private readonly Dictionary<long, int[]> _orders = [];

    /// <param name="state">The generator drawn from (numpy's global one).</param>
    /// <param name="seed">The iterator's seed; null: no reseeding, the stream goes on from where it is.</param>
    /// <param name="n">Samples per epoch.</param>
    /// <param name="shuffle">Whether an epoch draws a permutation.</param>
    /// <param name="settings">The generator's augmentation settings.</param>
    /// <param name="rows">Image height, for the fractional shifts.</param>
    /// <param name="cols">Image width.</param>
    /// <param name="fileNameRange">Keras's <c>randint</c> bound for <c>save_to_dir</c> names (1e4 for arrays, 1e7 for files); 0 without save_to_dir.</param>
    public NumpyBatchDraws(NumpyRandomState state, int? seed, int n, bool shuffle, AugmentationSettings settings, int rows, int cols, int fileNameRange)
    {
        if (seed is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "With numpy_random, `seed` is numpy's: it must be between 0 and 2**32 - 1.");
        }

        _state = state;
        _seed = seed;
        _n = n;
        _shuffle = shuffle;
        _settings = settings;
        _rows = rows;
        _cols = cols;
        _fileNameRange = fileNameRange;
    }

    /// <summary>The global generator's lock, held across one batch's draws.</summary>
    public object Gate => _state.Gate;

    /// <summary>Keras's reseeding before a batch: <c>np.random.seed(seed + total_batches_seen)</c>, when seeded.</summary>
    public void BeginBatch(long totalBatchesSeen)
    {
        if (_seed is { } seed)
        {
            _state.Seed(seed + totalBatchesSeen);
        }
    }

    /// <summary>
    /// Keras's <c>_set_index_array</c> for epoch <paramref name="epoch"/>: a permutation when shuffling (else
    /// <c>arange(n)</c>, no draw). Orders of epochs before <paramref name="oldestKept"/> are forgotten.
    /// </summary>
    public int[] DrawOrder(long epoch, long oldestKept)
    {
        int[] order;
        if (_shuffle)
        {
            order = _state.Permutation(_n);
        }
        else
        {
            order = new int[_n];
            for (int i = 0; i < _n; i++)
            {
                order[i] = i;
            }
        }

        foreach (long old in _orders.Keys.Where(e => e < oldestKept).ToArray())
        {
            _orders.Remove(old);
        }

        _orders[epoch] = order;
        return order;
    }

    /// <summary>The order drawn for <paramref name="epoch"/>, or null when none was (Keras's <c>index_array</c> is None).</summary>
    public int[]? OrderOf(long epoch) => _orders.GetValueOrDefault(epoch);

    /// <summary>
    /// A batch of <paramref name="count"/> samples: each one's <c>get_random_transform</c>, in batch order, then (with
    /// <c>save_to_dir</c>) each file name's <c>randint</c>, as Keras's <c>_get_batches_of_transformed_samples</c> draws them.
    /// </summary>
    public DrawnBatch DrawBatch(int count)
    {
        var draws = new NumpyDraws(_state);
        var parameters = new TransformParameters[count];
        for (int i = 0; i < count; i++)
        {
            parameters[i] = RandomTransformSampler.Sample(_settings, _rows, _cols, ref draws);
        }

        long[]? names = null;
        if (_fileNameRange > 0)
        {
            names = new long[count];
            for (int i = 0; i < count; i++)
            {
                names[i] = _state.RandInt(0, _fileNameRange);
            }
        }

        return new DrawnBatch(parameters, names);
    }
}

/// <summary>What one batch drew in Keras's order: each sample's transform and, with save_to_dir, its file name's random part.</summary>
internal sealed record DrawnBatch(TransformParameters[] Transforms, long[]? FileNames)
{
}
