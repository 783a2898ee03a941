using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>scipy's <c>"reflect"</c> and its synonym <c>"grid-mirror"</c>: half-sample symmetric.</summary>
internal readonly struct ReflectMode : IBoundaryMode
{
    /// <inheritdoc/>
    public int PrefilterPad => 0;

    /// <inheritdoc/>
    public SplineBoundary PrefilterBoundary => SplineBoundary.Reflect;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double MapCoordinate(double x, int n) => BoundaryMapping.Reflect(x, n);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MapTap(long i, int n) => (int)BoundaryMapping.Reflect(i, n);
}
