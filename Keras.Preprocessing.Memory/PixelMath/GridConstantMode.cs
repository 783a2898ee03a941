using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>scipy's <c>"grid-constant"</c>: the coordinate is not folded; taps outside the image read <c>cval</c> and are blended in.</summary>
internal readonly struct GridConstantMode : IBoundaryMode
{
    /// <inheritdoc/>
    public int PrefilterPad => 12;

    /// <inheritdoc/>
    public SplineBoundary PrefilterBoundary => SplineBoundary.Mirror;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double MapCoordinate(double x, int n) => x;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MapTap(long i, int n) => i >= 0 && i < n ? (int)i : -1;
}
