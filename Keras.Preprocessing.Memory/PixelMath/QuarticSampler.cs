using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>Order 4: five taps per axis around <c>floor(x + 0.5)</c>.</summary>
internal readonly struct QuarticSampler : ISplineSampler
{
    /// <inheritdoc/>
    public int Order => 4;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SplineWeights Weights(double x)
    {
        double z = 1.0 - x;
        double t = x * x;
        double w2 = (t * ((t * 0.25) - 0.625)) + (115.0 / 192.0);
        double y = 1.0 + x;
        double w1 = (y * ((y * ((y * (5.0 - y) / 6.0) - 1.25)) + (5.0 / 24.0))) + (55.0 / 96.0);
        double w3 = (z * ((z * ((z * (5.0 - z) / 6.0) - 1.25)) + (5.0 / 24.0))) + (55.0 / 96.0);
        y = 0.5 - x;
        t = y * y;
        return new SplineWeights(t * t / 24.0, w1, w2, w3, 0);
    }
}
