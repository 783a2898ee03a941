using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// The input samples an order-0 or order-1 output pixel reads, and their weights: the per-pixel core of the warp.
/// The same <see cref="Compute{TMode, TSampler}"/> and the sampler's <see cref="IPointSampler.Combine"/> (for order 1
/// <see cref="Blend"/>) run in the CPU loops and in the ILGPU kernel.
/// A tap index of -1 reads <c>cval</c> (grid-constant).
/// </summary>
internal readonly struct Taps
{
    /// <summary>Upper input row.</summary>
    public readonly int Row0;

    /// <summary>Lower input row (equals <see cref="Row0"/> for nearest sampling).</summary>
    public readonly int Row1;

    /// <summary>Left input column.</summary>
    public readonly int Col0;

    /// <summary>Right input column.</summary>
    public readonly int Col1;

    /// <summary>Weight of the lower row.</summary>
    public readonly float RowWeight;

    /// <summary>Weight of the right column.</summary>
    public readonly float ColWeight;

    /// <summary>1 when the pixel takes <c>cval</c> instead (constant mode, outside the image).</summary>
    public readonly int IsOutside;

    private Taps(int row0, int row1, int col0, int col1, float rowWeight, float colWeight, int outside)
    {
        Row0 = row0;
        Row1 = row1;
        Col0 = col0;
        Col1 = col1;
        RowWeight = rowWeight;
        ColWeight = colWeight;
        IsOutside = outside;
    }

    /// <summary>True when every tap reads the image (none is <c>cval</c>).</summary>
    public bool AllInside => (Row0 | Row1 | Col0 | Col1) >= 0;

    /// <summary>
    /// The taps for input coordinate (row, col) in an image of rows × cols, as scipy 1.10 chooses them for the mode
    /// <typeparamref name="TMode"/> and the order of <typeparamref name="TSampler"/>: fold the coordinate with the
    /// mode, take the sampler's first tap (and second, for order 1) on each axis, then map each tap index.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Taps Compute<TMode, TSampler>(double row, double col, int rows, int cols)
        where TMode : struct, IBoundaryMode
        where TSampler : struct, IPointSampler
    {
        var mode = default(TMode);
        var sampler = default(TSampler);
        double y = mode.MapCoordinate(row, rows);
        double x = mode.MapCoordinate(col, cols);
        if (double.IsNaN(y) || double.IsNaN(x))
        {
            return new Taps(0, 0, 0, 0, 0, 0, 1); // NaN: constant mode outside the image
        }

        double fy = sampler.FirstTap(y), fx = sampler.FirstTap(x);
        long iy = (long)fy, ix = (long)fx;
        int row0 = MapTap<TMode>(iy, rows), col0 = MapTap<TMode>(ix, cols);
        return new Taps(
            row0,
            sampler.SecondTap != 0 ? MapTap<TMode>(iy + 1, rows) : row0,
            col0,
            sampler.SecondTap != 0 ? MapTap<TMode>(ix + 1, cols) : col0,
            sampler.Weight(y, fy),
            sampler.Weight(x, fx),
            0);
    }

    /// <summary>A tap inside the image reads itself under every mode; only the others go through the mode's mapping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MapTap<TMode>(long i, int n)
        where TMode : struct, IBoundaryMode => i >= 0 && i < n ? (int)i : default(TMode).MapTap(i, n);

    /// <summary>Bilinear blend of the four samples (top-left, top-right, bottom-left, bottom-right).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Blend(float topLeft, float topRight, float bottomLeft, float bottomRight, float rowWeight, float colWeight)
    {
        float top = topLeft + (colWeight * (topRight - topLeft));
        float bottom = bottomLeft + (colWeight * (bottomRight - bottomLeft));
        return top + (rowWeight * (bottom - top));
    }
}
