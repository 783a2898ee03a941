using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>Order 5: six taps per axis from <c>floor(x) - 2</c>.</summary>
internal readonly struct QuinticSampler : ISplineSampler
{
    /// <inheritdoc/>
    public int Order => 5;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SplineWeights Weights(double x)
    {
        double y = x, z = 1.0 - x;
        double t = y * y;
        double w2 = (t * ((t * (0.25 - (y / 12.0))) - 0.5)) + 0.55;
        t = z * z;
        double w3 = (t * ((t * (0.25 - (z / 12.0))) - 0.5)) + 0.55;
        y += 1.0;
        double w1 = (y * ((y * ((y * ((y * ((y / 24.0) - 0.375)) + 1.25)) - 1.75)) + 0.625)) + 0.425;
        z += 1.0;
        double w4 = (z * ((z * ((z * ((z * ((z / 24.0) - 0.375)) + 1.25)) - 1.75)) + 0.625)) + 0.425;
        y = 1.0 - x;
        t = y * y;
        return new SplineWeights(y * t * t / 120.0, w1, w2, w3, w4);
    }
}
