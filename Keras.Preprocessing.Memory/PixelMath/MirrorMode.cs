using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>scipy's <c>"mirror"</c>: whole-sample symmetric.</summary>
internal readonly struct MirrorMode : IBoundaryMode
{
    /// <inheritdoc/>
    public int PrefilterPad => 0;

    /// <inheritdoc/>
    public SplineBoundary PrefilterBoundary => SplineBoundary.Mirror;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double MapCoordinate(double x, int n) => BoundaryMapping.Mirror(x, n);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MapTap(long i, int n) => (int)BoundaryMapping.Mirror(i, n);
}
