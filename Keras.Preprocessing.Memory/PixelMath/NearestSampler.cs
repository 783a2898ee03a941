using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>Order 0: the nearest sample, scipy's <c>start = floor(x + 0.5)</c>; the value is copied as it is.</summary>
internal readonly struct NearestSampler : IPointSampler
{
    /// <inheritdoc/>
    public int Order => 0;

    /// <inheritdoc/>
    public int SecondTap => 0;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double FirstTap(double x) => Math.Floor(x + 0.5);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Weight(double x, double first) => 0;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Combine(float topLeft, float topRight, float bottomLeft, float bottomRight, float rowWeight, float colWeight) => topLeft;
}
