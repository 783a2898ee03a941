namespace Keras.Preprocessing.Memory;

/// <summary>A Keras <c>brightness_range</c>: a pair of floats [lower, upper] the factor is drawn from.</summary>
public readonly struct BrightnessRange : IEquatable<BrightnessRange>
{
    private BrightnessRange(double lower, double upper)
    {
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The lower factor.</summary>
    internal double Lower { get; }

    /// <summary>The upper factor.</summary>
    internal double Upper { get; }

    /// <summary>A pair (lower, upper).</summary>
    public static implicit operator BrightnessRange((double Lower, double Upper) pair) => new(pair.Lower, pair.Upper);

    /// <summary>A list of exactly two floats.</summary>
    public static implicit operator BrightnessRange(double[] pair)
    {
        ArgumentNullException.ThrowIfNull(pair, "brightness_range");
        if (pair.Length != 2)
        {
            throw new ArgumentException(
                "`brightness_range should be tuple or list of two floats. Received: [" + string.Join(", ", pair) + "]",
                "brightness_range");
        }

        return new BrightnessRange(pair[0], pair[1]);
    }

    internal void Validate()
    {
        if (!double.IsFinite(Lower) || !double.IsFinite(Upper) || Lower < 0 || Upper < 0)
        {
            throw new ArgumentException(
                $"`brightness_range` should hold two non-negative finite floats. Received: {this}", "brightness_range");
        }
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"[{Lower}, {Upper}]");

    /// <inheritdoc />
    public bool Equals(BrightnessRange other) => Lower == other.Lower && Upper == other.Upper;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BrightnessRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Lower, Upper);

    /// <summary>Equality of two ranges.</summary>
    public static bool operator ==(BrightnessRange left, BrightnessRange right) => left.Equals(right);

    /// <summary>Inequality of two ranges.</summary>
    public static bool operator !=(BrightnessRange left, BrightnessRange right) => !left.Equals(right);
}
