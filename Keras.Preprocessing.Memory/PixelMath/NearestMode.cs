using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>scipy's <c>"nearest"</c>: the coordinate is not folded, the taps are clamped to the edge.</summary>
internal readonly struct NearestMode : IBoundaryMode
{
    /// <inheritdoc/>
    public int PrefilterPad => 12;

    /// <inheritdoc/>
    public SplineBoundary PrefilterBoundary => SplineBoundary.Reflect;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double MapCoordinate(double x, int n) => x;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MapTap(long i, int n) => BoundaryMapping.ClampIndex(i, n);
}
