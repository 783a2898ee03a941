using System.Runtime.CompilerServices;
using Keras.Preprocessing.Memory.Augmentations;

namespace Keras.Preprocessing.Memory.Sampling;

/// <summary>
/// A counter-based random stream: its state is a pure function of (seed, stream, epoch, index), so the
/// draws for a sample never depend on which thread made them or what was drawn before (SplitMix64 mixing,
/// as in Java's SplittableRandom).
/// </summary>
internal struct SampleRandom : IKerasRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    private SampleRandom(ulong state) => _state = state;

    /// <summary>Keys a stream by its coordinates; different streams are statistically independent.</summary>
    public static SampleRandom For(long seed, RandomStream stream, long epoch, long index)
    {
        ulong h = Mix((ulong)seed ^ Golden);
        h = Mix(h ^ ((ulong)stream * 0xD1B54A32D192ED03UL));
        h = Mix(h ^ ((ulong)epoch * 0xAEF17502108EF2D9UL));
        h = Mix(h ^ ((ulong)index * 0xDB4F0B9175AE2165UL));
        return new SampleRandom(h);
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>A double in [0, 1) with 53 random bits, like numpy's <c>random()</c>.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A double in [low, high), computed as numpy's <c>uniform</c> does: low + (high - low) * u.</summary>
    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>An unbiased integer in [0, n) (Lemire's multiply-and-reject).</summary>
    public long NextInt64(long n)
    {
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n));
        }

        ulong range = (ulong)n;
        while (true)
        {
            ulong high = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low >= range || low >= (0UL - range) % range)
            {
                return (long)high;
            }
        }
    }

    /// <summary>-1 or +1, each with probability 1/2 (numpy's <c>choice([-1, 1])</c>).</summary>
    public int NextSign() => (NextUInt64() >> 63) == 0 ? -1 : 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Independent purposes a seed is used for.</summary>
internal enum RandomStream : ulong
{
    /// <summary>Per-sample augmentation parameters.</summary>
    Transform = 1,

    /// <summary>The order of samples in an epoch.</summary>
    Shuffle = 2,

    /// <summary>The random part of <c>save_to_dir</c> file names.</summary>
    FileName = 3,

    /// <summary>Augmentation rounds in <c>fit</c>.</summary>
    Fit = 4,
}
