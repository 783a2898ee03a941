namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// Where output pixel (r, c) reads the input: row = Row0 + r·RowPerRow + c·RowPerCol, and likewise for the
/// column. It folds Keras's warp and the flips that follow it into one linear map, so one pass does both.
/// A blittable value: the CPU loops and the GPU kernel take it as it is.
/// </summary>
internal readonly struct SamplingGrid
{
    /// <summary>Input row sampled by output pixel (0, 0).</summary>
    public readonly double Row0;

    /// <summary>Change of the input row per output row.</summary>
    public readonly double RowPerRow;

    /// <summary>Change of the input row per output column.</summary>
    public readonly double RowPerCol;

    /// <summary>Input column sampled by output pixel (0, 0).</summary>
    public readonly double Col0;

    /// <summary>Change of the input column per output row.</summary>
    public readonly double ColPerRow;

    /// <summary>Change of the input column per output column.</summary>
    public readonly double ColPerCol;

    /// <summary>1 when the grid lands on whole pixels everywhere (flips only): no interpolation needed.</summary>
    public readonly int IsPixelAligned;

    private SamplingGrid(double row0, double rowPerRow, double rowPerCol, double col0, double colPerRow, double colPerCol, bool aligned)
    {
        Row0 = row0;
        RowPerRow = rowPerRow;
        RowPerCol = rowPerCol;
        Col0 = col0;
        ColPerRow = colPerRow;
        ColPerCol = colPerCol;
        IsPixelAligned = aligned ? 1 : 0;
    }

    /// <summary>The input row read by output pixel (r, c).</summary>
    public double RowAt(int r, int c) => Row0 + (r * RowPerRow) + (c * RowPerCol);

    /// <summary>The input column read by output pixel (r, c).</summary>
    public double ColAt(int r, int c) => Col0 + (r * ColPerRow) + (c * ColPerCol);

    /// <summary>
    /// The grid for a warp (null: none, the identity) followed by Keras's flips: the horizontal flip mirrors
    /// output columns, the vertical flip output rows.
    /// </summary>
    internal static SamplingGrid Create(Matrix2x3? warp, bool flipHorizontal, bool flipVertical, int rows, int cols)
    {
        var m = warp ?? new Matrix2x3(1, 0, 0, 0, 1, 0);

        // Output (r, c) is warped pixel (r', c') with r' = H-1-r under a vertical flip, c' = W-1-c under a horizontal one.
        double rowSign = flipVertical ? -1 : 1, colSign = flipHorizontal ? -1 : 1;
        double rowBase = flipVertical ? rows - 1 : 0, colBase = flipHorizontal ? cols - 1 : 0;
        return new SamplingGrid(
            row0: m.A02 + (m.A00 * rowBase) + (m.A01 * colBase),
            rowPerRow: m.A00 * rowSign,
            rowPerCol: m.A01 * colSign,
            col0: m.A12 + (m.A10 * rowBase) + (m.A11 * colBase),
            colPerRow: m.A10 * rowSign,
            colPerCol: m.A11 * colSign,
            aligned: warp is null);
    }
}
