using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>scipy's <c>"constant"</c>: a coordinate outside [0, n-1] makes the whole pixel <c>cval</c> (no blend); taps at the edge fold as "mirror".</summary>
internal readonly struct ConstantMode : IBoundaryMode
{
    /// <inheritdoc/>
    public int PrefilterPad => 0;

    /// <inheritdoc/>
    public SplineBoundary PrefilterBoundary => SplineBoundary.Mirror;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double MapCoordinate(double x, int n) => x >= 0 && x <= n - 1 ? x : double.NaN;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MapTap(long i, int n) => (int)BoundaryMapping.Mirror(i, n);
}
