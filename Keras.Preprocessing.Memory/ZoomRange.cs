namespace Keras.Preprocessing.Memory;

/// <summary>
/// A Keras <c>zoom_range</c>: a scalar z means [1 - z, 1 + z]; a pair [lower, upper] is used as given.
/// </summary>
public readonly struct ZoomRange : IEquatable<ZoomRange>
{
    // Stored as the offsets from 1 so that default(ZoomRange) is Keras's default, zoom_range=0.
    private readonly double _lowerOffset;
    private readonly double _upperOffset;

    private ZoomRange(double lower, double upper)
    {
        _lowerOffset = 1 - lower;
        _upperOffset = upper - 1;
    }

    /// <summary>The lower zoom factor.</summary>
    internal double Lower => 1 - _lowerOffset;

    /// <summary>The upper zoom factor.</summary>
    internal double Upper => 1 + _upperOffset;

    /// <summary>True when Keras draws no zoom (the range is exactly [1, 1]).</summary>
    internal bool IsOff => Lower == 1 && Upper == 1;

    /// <summary>A scalar z: [1 - z, 1 + z].</summary>
    public static implicit operator ZoomRange(double value) => new(1 - value, 1 + value);

    /// <summary>A scalar z: [1 - z, 1 + z].</summary>
    public static implicit operator ZoomRange(float value) => new(1 - (double)value, 1 + (double)value);

    /// <summary>A pair (lower, upper), used as given.</summary>
    public static implicit operator ZoomRange((double Lower, double Upper) pair) => new(pair.Lower, pair.Upper);

    /// <summary>A list of exactly two floats [lower, upper].</summary>
    public static implicit operator ZoomRange(double[] pair)
    {
        ArgumentNullException.ThrowIfNull(pair, "zoom_range");
        if (pair.Length != 2)
        {
            throw new ArgumentException(
                "`zoom_range` should be a float or a tuple or list of two floats. Received: [" + string.Join(", ", pair) + "]",
                "zoom_range");
        }

        return new ZoomRange(pair[0], pair[1]);
    }

    internal void Validate()
    {
        if (!double.IsFinite(Lower) || !double.IsFinite(Upper))
        {
            throw new ArgumentException($"`zoom_range` should hold finite numbers. Received: {this}", "zoom_range");
        }
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"[{Lower}, {Upper}]");

    /// <inheritdoc />
    public bool Equals(ZoomRange other) => Lower == other.Lower && Upper == other.Upper;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ZoomRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Lower, Upper);

    /// <summary>Equality of two ranges.</summary>
    public static bool operator ==(ZoomRange left, ZoomRange right) => left.Equals(right);

    /// <summary>Inequality of two ranges.</summary>
    public static bool operator !=(ZoomRange left, ZoomRange right) => !left.Equals(right);
}
