namespace Keras.Preprocessing.Memory.Sampling;

/// <summary>
/// The 32-bit Mersenne Twister (MT19937) as numpy's <c>mt19937.c</c> computes it: <c>init_genrand</c> seeding,
/// the 624-word state regenerated whole, Matsumoto and Nishimura's tempering, and numpy's 53-bit double and
/// 64-bit draws built from consecutive 32-bit outputs. Not thread-safe: <see cref="NumpyRandomState"/> locks.
/// </summary>
internal sealed class MersenneTwister
{
    private const int StateLength = 624;
    private const int Shift = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] _key = new uint[StateLength];
    private int _pos;

    /// <summary>A generator seeded as <c>mt19937_seed(state, seed)</c> seeds it.</summary>
    public MersenneTwister(uint seed) => Seed(seed);

    /// <summary>
    /// numpy's <c>mt19937_seed</c> (Matsumoto and Nishimura's <c>init_genrand</c>): key[0] = seed, then
    /// key[i] = 1812433253 · (key[i-1] ^ (key[i-1] &gt;&gt; 30)) + i, modulo 2³², and the next draw regenerates.
    /// </summary>
    public void Seed(uint seed)
    {
        for (int pos = 0; pos < StateLength; pos++)
        {
            _key[pos] = seed;
            seed = unchecked((1812433253U * (seed ^ (seed >> 30))) + (uint)pos + 1);
        }

        _pos = StateLength;
    }

    /// <summary>The next tempered 32-bit output (numpy's <c>mt19937_next32</c>).</summary>
    public uint NextUInt32()
    {
        if (_pos == StateLength)
        {
            Regenerate();
        }

        uint y = _key[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Two 32-bit outputs, the first as the high half (numpy's <c>mt19937_next64</c>).</summary>
    public ulong NextUInt64()
    {
        ulong high = NextUInt32();
        return (high << 32) | NextUInt32();
    }

    /// <summary>
    /// A double in [0, 1) with 53 random bits (numpy's <c>mt19937_next_double</c>): the top 27 bits of one output
    /// and the top 26 of the next, (a · 2²⁶ + b) / 2⁵³.
    /// </summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    /// <summary>numpy's <c>mt19937_gen</c>: the whole state's next generation at once.</summary>
    private void Regenerate()
    {
        uint y;
        int i;
        for (i = 0; i < StateLength - Shift; i++)
        {
            y = (_key[i] & UpperMask) | (_key[i + 1] & LowerMask);
            _key[i] = _key[i + Shift] ^ (y >> 1) ^ Twist(y);
        }

        for (; i < StateLength - 1; i++)
        {
            y = (_key[i] & UpperMask) | (_key[i + 1] & LowerMask);
            _key[i] = _key[i + Shift - StateLength] ^ (y >> 1) ^ Twist(y);
        }

        y = (_key[StateLength - 1] & UpperMask) | (_key[0] & LowerMask);
        _key[StateLength - 1] = _key[Shift - 1] ^ (y >> 1) ^ Twist(y);
        _pos = 0;
    }

    /// <summary>MATRIX_A when the low bit of <paramref name="y"/> is set, else 0 (numpy's <c>-(y &amp; 1) &amp; MATRIX_A</c>).</summary>
    private static uint Twist(uint y) => (y & 1) == 0 ? 0 : MatrixA;
}
