namespace Keras.Preprocessing.Memory.Sampling;

/// <summary>
/// numpy's legacy <c>RandomState</c> (what <c>np.random.*</c> uses), draw for draw as numpy 1.x computes it over
/// <see cref="MersenneTwister"/>: integer seeding, <c>random_sample</c>, <c>uniform</c>, <c>randint</c> and
/// <c>choice</c> with the legacy masked rejection sampler, <c>shuffle</c>/<c>permutation</c> walking from the end.
/// One instance, <see cref="Global"/>, plays <c>np.random</c>'s global state. Callers that need several draws in a
/// row without another thread's draws in between (Keras's per-batch sequence) hold <see cref="Gate"/>; single
/// calls lock it themselves, as numpy's <c>RandomState.lock</c> does.
/// </summary>
internal sealed class NumpyRandomState
{
    /// <summary>The largest seed numpy accepts (2³² - 1).</summary>
    public const long MaxSeed = uint.MaxValue;

    private readonly MersenneTwister _mt;

    /// <summary>A state seeded as <c>np.random.RandomState(seed)</c>.</summary>
    public NumpyRandomState(long seed) => _mt = new MersenneTwister(CheckSeed(seed));

    /// <summary>
    /// The process-wide state, <c>np.random</c>'s global <c>RandomState</c>. numpy seeds it from the OS at import;
    /// this one starts from an OS-random seed too, so only an explicit seed makes it reproducible.
    /// </summary>
    public static NumpyRandomState Global { get; } = new(Random.Shared.NextInt64(MaxSeed + 1));

    /// <summary>Held across a sequence of draws that must not interleave with another thread's.</summary>
    public object Gate { get; } = new();

    /// <summary><c>np.random.seed(seed)</c> for an integer seed: <c>mt19937_seed</c>, in [0, 2³² - 1].</summary>
    public void Seed(long seed)
    {
        uint checkedSeed = CheckSeed(seed);
        lock (Gate)
        {
            _mt.Seed(checkedSeed);
        }
    }

    /// <summary><c>random_sample()</c>: a double in [0, 1) with 53 random bits.</summary>
    public double RandomSample()
    {
        lock (Gate)
        {
            return _mt.NextDouble();
        }
    }

    /// <summary><c>uniform(low, high)</c>: low + (high - low) · <c>random_sample()</c>; numpy refuses a range that overflows.</summary>
    public double Uniform(double low, double high)
    {
        double range = high - low;
        if (!double.IsFinite(range))
        {
            throw new OverflowException($"uniform: the range high - low = {high} - {low} is not finite.");
        }

        return low + (range * RandomSample());
    }

    /// <summary><c>randint(low, high)</c> (int64, high exclusive), by the legacy masked rejection sampler.</summary>
    public long RandInt(long low, long high)
    {
        if (low >= high)
        {
            throw new ArgumentException($"low >= high: randint needs low < high. Received: low = {low}, high = {high}", nameof(low));
        }

        return unchecked(low + (long)BoundedUInt64((ulong)(high - 1 - low)));
    }

    /// <summary><c>choice(n)</c> with replacement and no p: <c>randint(0, n)</c>.</summary>
    public long Choice(long n)
    {
        if (n <= 0)
        {
            throw new ArgumentException($"a must be greater than 0 unless no samples are taken. Received: {n}", nameof(n));
        }

        return RandInt(0, n);
    }

    /// <summary><c>shuffle(x)</c> of a 1-D array: for i from n - 1 down to 1, swap x[i] with x[<c>random_interval(i)</c>].</summary>
    public void Shuffle<T>(Span<T> values)
    {
        lock (Gate)
        {
            for (int i = values.Length - 1; i > 0; i--)
            {
                int j = (int)RandomInterval((ulong)i);
                (values[i], values[j]) = (values[j], values[i]);
            }
        }
    }

    /// <summary><c>permutation(n)</c>: <c>arange(n)</c>, shuffled.</summary>
    public int[] Permutation(int n)
    {
        if (n < 0)
        {
            throw new ArgumentException($"negative dimensions are not allowed. Received: {n}", nameof(n));
        }

        var values = new int[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = i;
        }

        Shuffle<int>(values);
        return values;
    }

    /// <summary>One raw 32-bit output (numpy's <c>randint(0, 2**32, dtype=np.uint32)</c>, which takes it unmasked).</summary>
    public uint NextUInt32()
    {
        lock (Gate)
        {
            return _mt.NextUInt32();
        }
    }

    /// <summary>64 random bits (numpy's <c>next_uint64</c>: two 32-bit outputs, high half first).</summary>
    public ulong NextUInt64()
    {
        lock (Gate)
        {
            return _mt.NextUInt64();
        }
    }

    /// <summary>
    /// numpy's <c>random_bounded_uint64_fill</c> with <c>use_masked</c> (the legacy path): a value in [0, range],
    /// from 32-bit outputs when the range fits in 32 bits, masked to the range's bit length and redrawn while above it.
    /// </summary>
    private ulong BoundedUInt64(ulong range)
    {
        if (range == 0)
        {
            return 0; // no draw at all
        }

        lock (Gate)
        {
            if (range <= uint.MaxValue)
            {
                if (range == uint.MaxValue)
                {
                    return _mt.NextUInt32();
                }

                uint mask = (uint)MaskFor(range);
                uint value;
                while ((value = _mt.NextUInt32() & mask) > range)
                {
                }

                return value;
            }

            if (range == ulong.MaxValue)
            {
                return _mt.NextUInt64();
            }

            ulong wideMask = MaskFor(range);
            ulong wide;
            while ((wide = _mt.NextUInt64() & wideMask) > range)
            {
            }

            return wide;
        }
    }

    /// <summary>numpy's <c>random_interval(max)</c>: a value in [0, max] by masked rejection (shuffle's draw). Caller holds the gate.</summary>
    private ulong RandomInterval(ulong max)
    {
        if (max == 0)
        {
            return 0;
        }

        ulong mask = MaskFor(max);
        ulong value;
        if (max <= uint.MaxValue)
        {
            while ((value = _mt.NextUInt32() & mask) > max)
            {
            }
        }
        else
        {
            while ((value = _mt.NextUInt64() & mask) > max)
            {
            }
        }

        return value;
    }

    /// <summary>The smallest all-ones bit mask covering <paramref name="max"/> (numpy's <c>gen_mask</c>).</summary>
    private static ulong MaskFor(ulong max)
    {
        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        return mask;
    }

    private static uint CheckSeed(long seed) => seed is >= 0 and <= MaxSeed
        ? (uint)seed
        : throw new ArgumentOutOfRangeException(nameof(seed), seed, "Seed must be between 0 and 2**32 - 1");
}
