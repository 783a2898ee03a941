namespace Keras.Preprocessing.Memory.Sampling;

/// <summary>
/// Keras's draws taken from a <see cref="NumpyRandomState"/>, each as the numpy call Keras makes:
/// <c>random()</c>, <c>uniform(low, high)</c>, <c>choice(n)</c> (= <c>randint(0, n)</c>) and
/// <c>choice([-1, 1])</c>. A handle, so <see cref="RandomTransformSampler"/> can take it by reference like the
/// keyed stream; the draws advance the shared state.
/// </summary>
internal readonly struct NumpyDraws : IKerasRandom
{
    private readonly NumpyRandomState _state;

    public NumpyDraws(NumpyRandomState state) => _state = state;

    /// <inheritdoc />
    public double NextDouble() => _state.RandomSample();

    /// <inheritdoc />
    public double Uniform(double low, double high) => _state.Uniform(low, high);

    /// <summary><c>choice(n)</c>: <c>randint(0, n)</c>, by the legacy masked sampler.</summary>
    public long NextInt64(long n) => _state.Choice(n);

    /// <inheritdoc />
    public ulong NextUInt64() => _state.NextUInt64();

    /// <summary><c>choice([-1, 1])</c>: the element at <c>randint(0, 2)</c>.</summary>
    public int NextSign() => _state.Choice(2) == 0 ? -1 : 1;
}
