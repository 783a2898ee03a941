using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// Order 1: bilinear, scipy's <c>start = floor(x)</c> and the next sample, weighted by the fraction; blended in
/// float32 by <see cref="Taps.Blend"/> (the same steps the CPU's vectorised bilinear interior takes lane-wise).
/// </summary>
internal readonly struct LinearSampler : IPointSampler
{
    /// <inheritdoc/>
    public int Order => 1;

    /// <inheritdoc/>
    public int SecondTap => 1;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double FirstTap(double x) => Math.Floor(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Weight(double x, double first) => (float)(x - first);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Combine(float topLeft, float topRight, float bottomLeft, float bottomRight, float rowWeight, float colWeight) =>
        Taps.Blend(topLeft, topRight, bottomLeft, bottomRight, rowWeight, colWeight);
}
