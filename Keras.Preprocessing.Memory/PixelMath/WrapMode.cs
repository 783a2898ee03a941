using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>scipy's <c>"wrap"</c>: the coordinate is periodic with period n-1 (scipy's quirk); edge taps fold as "mirror".</summary>
internal readonly struct WrapMode : IBoundaryMode
{
    /// <inheritdoc/>
    public int PrefilterPad => 0;

    /// <inheritdoc/>
    public SplineBoundary PrefilterBoundary => SplineBoundary.Mirror;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double MapCoordinate(double x, int n) => BoundaryMapping.Wrap(x, n);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MapTap(long i, int n) => (int)BoundaryMapping.Mirror(i, n);
}
