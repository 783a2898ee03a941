namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// One of scipy.ndimage's boundary modes as a strategy type: the warp and its kernels are generic over a struct
/// implementing this, so the JIT (CPU) and ILGPU (GPU) compile one specialised sampler per mode and no kernel holds
/// a switch over modes. A new mode is one struct in its own file plus one line in <see cref="BoundaryModes.Dispatch{TVisitor, TResult}"/>.
/// Instance members on an empty struct (called on <c>default(TMode)</c>) because ILGPU compiles those.
/// </summary>
internal interface IBoundaryMode
{
    /// <summary>
    /// The sampled coordinate <paramref name="x"/> on an axis of <paramref name="n"/> samples, folded as scipy 1.10's
    /// <c>NI_GeometricTransform</c> folds it before choosing taps (<c>map_coordinate</c>; nearest and grid-constant
    /// leave it as it is). NaN when the whole output pixel takes <c>cval</c> (constant mode, outside [0, n-1]).
    /// </summary>
    double MapCoordinate(double x, int n);

    /// <summary>
    /// The input index that interpolation tap <paramref name="i"/> reads, as scipy maps a tap outside the image with
    /// the mode's spline boundary; -1 when the tap reads <c>cval</c> instead (grid-constant).
    /// </summary>
    int MapTap(long i, int n);

    /// <summary>
    /// Samples scipy pads on every side before the spline prefilter of orders 2-5 (12 for nearest and grid-constant,
    /// whose padding is the edge value or <c>cval</c>; 0 for the rest).
    /// </summary>
    int PrefilterPad { get; }

    /// <summary>Which initial conditions scipy's spline prefilter uses for this mode (<see cref="SplineBoundary"/>).</summary>
    SplineBoundary PrefilterBoundary { get; }
}

/// <summary>
/// The initial conditions of scipy 1.10's B-spline prefilter (<c>apply_filter</c> in ni_splines.c), per mode as
/// observed on <c>spline_filter1d</c>: constant, wrap, mirror and grid-constant start as "mirror"; nearest, reflect
/// and grid-mirror as "reflect"; grid-wrap as periodic.
/// </summary>
internal enum SplineBoundary
{
    /// <summary>Whole-sample symmetric.</summary>
    Mirror = 0,

    /// <summary>Periodic with period n.</summary>
    Wrap = 1,

    /// <summary>Half-sample symmetric.</summary>
    Reflect = 2,
}

/// <summary>Code that runs specialised for one boundary mode: <see cref="BoundaryModes.Dispatch{TVisitor, TResult}"/> calls it with the mode's type.</summary>
internal interface IBoundaryModeVisitor<out TResult>
{
    TResult Visit<TMode>()
        where TMode : struct, IBoundaryMode;
}

/// <summary>The one place a runtime <see cref="Parameters.FillMode"/> becomes its strategy type.</summary>
internal static class BoundaryModes
{
    /// <summary>Runs <paramref name="visitor"/> specialised for <paramref name="mode"/>.</summary>
    public static TResult Dispatch<TVisitor, TResult>(Parameters.FillMode mode, ref TVisitor visitor)
        where TVisitor : struct, IBoundaryModeVisitor<TResult> => mode switch
        {
            Parameters.FillMode.Constant => visitor.Visit<ConstantMode>(),
            Parameters.FillMode.Nearest => visitor.Visit<NearestMode>(),
            Parameters.FillMode.Reflect or Parameters.FillMode.GridMirror => visitor.Visit<ReflectMode>(),
            Parameters.FillMode.Wrap => visitor.Visit<WrapMode>(),
            Parameters.FillMode.Mirror => visitor.Visit<MirrorMode>(),
            Parameters.FillMode.GridWrap => visitor.Visit<GridWrapMode>(),
            Parameters.FillMode.GridConstant => visitor.Visit<GridConstantMode>(),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
        };

    /// <summary>The prefilter padding of <paramref name="mode"/> (see <see cref="IBoundaryMode.PrefilterPad"/>).</summary>
    public static int PrefilterPadOf(Parameters.FillMode mode) =>
        mode is Parameters.FillMode.Nearest or Parameters.FillMode.GridConstant ? 12 : 0;
}
