using System.Globalization;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// The fill of random erasing (an extension beyond Keras: <see cref="ImageDataGenerator"/>'s
/// <c>random_erasing_value</c>), as torchvision's <c>RandomErasing(value=...)</c>: a number (default 0), or
/// <c>"random"</c> for noise of mean 0 and variance 1 per element. Converts implicitly from a number or that string.
/// </summary>
public readonly struct ErasingValue : IEquatable<ErasingValue>
{
    private ErasingValue(double value, bool isRandom)
    {
        Value = value;
        IsRandom = isRandom;
    }

    internal double Value { get; }

    internal bool IsRandom { get; }

    /// <summary>A constant fill.</summary>
    public static implicit operator ErasingValue(double value) => new(value, false);

    /// <summary>A constant fill.</summary>
    public static implicit operator ErasingValue(int value) => new(value, false);

    /// <summary><c>"random"</c>: per-element noise, as torchvision's <c>value="random"</c>.</summary>
    public static implicit operator ErasingValue(string value) =>
        string.Equals(value?.Trim(), "random", StringComparison.OrdinalIgnoreCase)
            ? new(0, true)
            : throw new ArgumentException($"`random_erasing_value` should be a number or \"random\". Received: {value}", "random_erasing_value");

    /// <summary>Whether both are the same fill.</summary>
    public static bool operator ==(ErasingValue left, ErasingValue right) => left.Equals(right);

    /// <summary>Whether the fills differ.</summary>
    public static bool operator !=(ErasingValue left, ErasingValue right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(ErasingValue other) => Value.Equals(other.Value) && IsRandom == other.IsRandom;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ErasingValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Value, IsRandom);

    /// <summary>"random", or the number.</summary>
    public override string ToString() => IsRandom ? "random" : Value.ToString(CultureInfo.InvariantCulture);
}
