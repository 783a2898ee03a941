using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>Order 2: three taps per axis around <c>floor(x + 0.5)</c>.</summary>
internal readonly struct QuadraticSampler : ISplineSampler
{
    /// <inheritdoc/>
    public int Order => 2;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SplineWeights Weights(double x)
    {
        double w1 = 0.75 - (x * x);
        double y = 0.5 - x;
        return new SplineWeights(0.5 * y * y, w1, 0, 0, 0);
    }
}
