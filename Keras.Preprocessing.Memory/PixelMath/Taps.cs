using System.Runtime.CompilerServices;
using Keras.Preprocessing.Memory.Parameters;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// The four input samples an output pixel blends, and their weights: the per-pixel core of the warp. The same
/// <see cref="Compute"/> and <see cref="Blend"/> run in the CPU loops and in the ILGPU kernel.
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

    /// <summary>
    /// The taps for input coordinate (row, col) in an image of rows × cols, under scipy's rules for
    /// <paramref name="mode"/> and spline <paramref name="order"/> 0 (nearest: floor(x + 0.5)) or 1 (bilinear).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Taps Compute(double row, double col, int rows, int cols, FillMode mode, int order)
    {
        double y = BoundaryMapping.MapCoordinate(row, rows, mode);
        double x = BoundaryMapping.MapCoordinate(col, cols, mode);
        if (mode == FillMode.Constant && (y == BoundaryMapping.Outside || x == BoundaryMapping.Outside))
        {
            return new Taps(0, 0, 0, 0, 0, 0, 1);
        }

        if (order == 0)
        {
            int r = BoundaryMapping.ClampIndex((long)Math.Floor(y + 0.5), rows);
            int c = BoundaryMapping.ClampIndex((long)Math.Floor(x + 0.5), cols);
            return new Taps(r, r, c, c, 0, 0, 0);
        }

        double fy = Math.Floor(y), fx = Math.Floor(x);
        long iy = (long)fy, ix = (long)fx;
        return new Taps(
            BoundaryMapping.ClampIndex(iy, rows),
            BoundaryMapping.ClampIndex(iy + 1, rows),
            BoundaryMapping.ClampIndex(ix, cols),
            BoundaryMapping.ClampIndex(ix + 1, cols),
            (float)(y - fy),
            (float)(x - fx),
            0);
    }

    /// <summary>Bilinear blend of the four samples (top-left, top-right, bottom-left, bottom-right).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Blend(float topLeft, float topRight, float bottomLeft, float bottomRight, float rowWeight, float colWeight)
    {
        float top = topLeft + (colWeight * (topRight - topLeft));
        float bottom = bottomLeft + (colWeight * (bottomRight - bottomLeft));
        return top + (rowWeight * (bottom - top));
    }
}
