using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>Order 3: four taps per axis from <c>floor(x) - 1</c>.</summary>
internal readonly struct CubicSampler : ISplineSampler
{
    /// <inheritdoc/>
    public int Order => 3;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SplineWeights Weights(double x)
    {
        double y = x, z = 1.0 - x;
        double w1 = ((y * y * (y - 2.0) * 3.0) + 4.0) / 6.0;
        double w2 = ((z * z * (z - 2.0) * 3.0) + 4.0) / 6.0;
        return new SplineWeights(z * z * z / 6.0, w1, w2, 0, 0);
    }
}
