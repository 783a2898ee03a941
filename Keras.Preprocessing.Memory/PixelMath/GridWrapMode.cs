using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>scipy's <c>"grid-wrap"</c>: periodic with period n, coordinate and taps alike.</summary>
internal readonly struct GridWrapMode : IBoundaryMode
{
    /// <inheritdoc/>
    public int PrefilterPad => 0;

    /// <inheritdoc/>
    public SplineBoundary PrefilterBoundary => SplineBoundary.Wrap;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double MapCoordinate(double x, int n) => BoundaryMapping.GridWrap(x, n);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MapTap(long i, int n) => (int)BoundaryMapping.GridWrap(i, n);
}
