namespace Keras.Preprocessing.Memory;

/// <summary>
/// A Keras <c>width_shift_range</c> / <c>height_shift_range</c> value, in any of the forms Keras accepts:
/// a float (uniform in [-r, r]), an int n (one of 0..n-1 with a random sign, as numpy's
/// <c>choice(n)</c> draws it), or an array (one of its elements with a random sign). When the largest
/// value is below 1 the draw is a fraction of the image's size, otherwise it is in pixels. Negative values are
/// Keras's too: a negative float draws <c>uniform(-r, r)</c> as given, and a negative int, which numpy's
/// <c>choice</c> refuses, falls back to that uniform draw and, being below 1, to a fraction of the size.
/// </summary>
public readonly struct ShiftRange : IEquatable<ShiftRange>
{
    private readonly double _scalar;
    private readonly double[]? _choices;
    private readonly bool _isInteger;

    private ShiftRange(double scalar, double[]? choices, bool isInteger)
    {
        _scalar = scalar;
        _choices = choices;
        _isInteger = isInteger;
    }

    /// <summary>A uniform range [-value, value]: a fraction of the size when below 1, else pixels.</summary>
    public static implicit operator ShiftRange(double value) => new(value, null, false);

    /// <summary>A uniform range [-value, value]: a fraction of the size when below 1, else pixels.</summary>
    public static implicit operator ShiftRange(float value) => new(value, null, false);

    /// <summary>An integer: one of 0..value-1 pixels with a random sign, as Keras draws it.</summary>
    public static implicit operator ShiftRange(int value) => new(value, null, true);

    /// <summary>An array: one of its values with a random sign.</summary>
    public static implicit operator ShiftRange(int[] values) =>
        new(0, Array.ConvertAll(values ?? throw new ArgumentNullException(nameof(values)), v => (double)v), false);

    /// <summary>An array: one of its values with a random sign.</summary>
    public static implicit operator ShiftRange(double[] values) =>
        new(0, (double[])(values ?? throw new ArgumentNullException(nameof(values))).Clone(), false);

    /// <summary>True when this range draws nothing (Keras treats 0, 0.0 and an empty list as off).</summary>
    internal bool IsOff => _choices is null ? _scalar == 0 : _choices.Length == 0;

    /// <summary>True for the float form (uniform draw), and for a negative int (Keras's fallback when choice(n) refuses it).</summary>
    internal bool IsUniform => _choices is null && (!_isInteger || _scalar < 0);

    /// <summary>True for the positive int form (a draw from 0..n-1).</summary>
    internal bool IsIntegerCount => _choices is null && _isInteger && _scalar > 0;

    /// <summary>The scalar of the float or int forms.</summary>
    internal double Scalar => _scalar;

    /// <summary>The values of the array form, or empty.</summary>
    internal ReadOnlySpan<double> Choices => _choices;

    /// <summary>True when the draw is a fraction of the image size (largest value below 1).</summary>
    internal bool IsFraction => (_choices is null ? _scalar : (_choices.Length == 0 ? 0 : _choices.Max())) < 1;

    internal void Validate(string parameterName)
    {
        if (_choices is null)
        {
            if (!double.IsFinite(_scalar))
            {
                throw new ArgumentException(
                    $"`{parameterName}` should be a finite float, an int or a list of numbers. Received: {this}",
                    parameterName);
            }
        }
        else if (_choices.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"`{parameterName}` values should be finite numbers. Received: {this}", parameterName);
        }
    }

    /// <inheritdoc />
    public override string ToString() => _choices is not null
        ? "[" + string.Join(", ", _choices) + "]"
        : _isInteger ? ((long)_scalar).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : _scalar.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(ShiftRange other) =>
        _scalar == other._scalar && _isInteger == other._isInteger &&
        (_choices ?? []).AsSpan().SequenceEqual(other._choices ?? []) && (_choices is null) == (other._choices is null);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ShiftRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_scalar, _isInteger, _choices?.Length ?? -1);

    /// <summary>Equality of two ranges.</summary>
    public static bool operator ==(ShiftRange left, ShiftRange right) => left.Equals(right);

    /// <summary>Inequality of two ranges.</summary>
    public static bool operator !=(ShiftRange left, ShiftRange right) => !left.Equals(right);
}
