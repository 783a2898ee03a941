namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// Where output pixel (r, c) reads the input. Two forms of the same map:
/// <list type="bullet">
/// <item>exact (<see cref="ExactRowAt"/>, <see cref="ExactColAt"/>): Keras flips AFTER the warp, so output (r, c) is
/// warped pixel (r', c') (r' = H-1-r under a vertical flip, c' = W-1-c under a horizontal one), whose input
/// coordinate scipy 1.10 evaluates as (r'·m00 + c'·m01) + offset. Every pixel that can land on a rounding tie or an
/// edge (order 0 everywhere, the border runs of order 1, the GPU kernel) uses this one, so it picks scipy's pixel;</item>
/// <item>incremental: row = Row0 + r·RowPerRow + c·RowPerCol, the warp and flips folded into one linear map, which
/// differs from the exact one by a few ulps: used only by the bilinear interior, whose taps are all inside the image
/// and whose blend is continuous, so the ulps cannot change which samples are read or move a value past 1e-12.</item>
/// </list>
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

    /// <summary>scipy's matrix and offset (the warp before the flips): input row = (r'·M00 + c'·M01) + M02.</summary>
    public readonly double M00, M01, M02, M10, M11, M12;

    /// <summary>H-1 under a vertical flip (r' = H-1-r), else 0.</summary>
    public readonly int RowFlipBase;

    /// <summary>-1 under a vertical flip, else 1.</summary>
    public readonly int RowFlipSign;

    /// <summary>W-1 under a horizontal flip (c' = W-1-c), else 0.</summary>
    public readonly int ColFlipBase;

    /// <summary>-1 under a horizontal flip, else 1.</summary>
    public readonly int ColFlipSign;

    private SamplingGrid(double row0, double rowPerRow, double rowPerCol, double col0, double colPerRow, double colPerCol, bool aligned, in Matrix2x3 m, int rowBase, int rowSign, int colBase, int colSign)
    {
        M00 = m.A00;
        M01 = m.A01;
        M02 = m.A02;
        M10 = m.A10;
        M11 = m.A11;
        M12 = m.A12;
        RowFlipBase = rowBase;
        RowFlipSign = rowSign;
        ColFlipBase = colBase;
        ColFlipSign = colSign;
        Row0 = row0;
        RowPerRow = rowPerRow;
        RowPerCol = rowPerCol;
        Col0 = col0;
        ColPerRow = colPerRow;
        ColPerCol = colPerCol;
        IsPixelAligned = aligned ? 1 : 0;
    }

    /// <summary>The warped row r' that output row r shows (Keras flips after the warp).</summary>
    public int WarpedRow(int r) => RowFlipBase + (r * RowFlipSign);

    /// <summary>The warped column c' that output column c shows.</summary>
    public int WarpedCol(int c) => ColFlipBase + (c * ColFlipSign);

    /// <summary>The input row output pixel (r, c) samples, bit for bit as scipy 1.10 computes it.</summary>
    public double ExactRowAt(int r, int c) => ((WarpedRow(r) * M00) + (WarpedCol(c) * M01)) + M02;

    /// <summary>The input column output pixel (r, c) samples, bit for bit as scipy 1.10 computes it.</summary>
    public double ExactColAt(int r, int c) => ((WarpedRow(r) * M10) + (WarpedCol(c) * M11)) + M12;

    /// <summary>Doubles <see cref="WriteProducts"/> writes for an image of <paramref name="rows"/> × <paramref name="cols"/>.</summary>
    public static int ProductCount(int rows, int cols) => 2 * (rows + cols);

    /// <summary>
    /// The products of the exact form, per output row r (r'·M00, r'·M10 at [2r], [2r+1]) then per output column c
    /// (c'·M01, c'·M11 at [2·rows + 2c], [2·rows + 2c + 1]), each rounded to float64 here as <see cref="ExactRow"/>
    /// rounds it. The GPU kernel reads these and only adds (<c>(rowProduct + colProduct) + offset</c>): PTX's plain
    /// <c>mul.f64</c> followed by <c>add.f64</c> may be contracted by ptxas into one fused multiply-add, which skips
    /// the product's rounding and can move a tie (order 0) or an edge across; a kernel without the multiply has
    /// nothing to contract, so its coordinates are scipy's on every GPU.
    /// </summary>
    public void WriteProducts(Span<double> table, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            int warpedRow = WarpedRow(r);
            table[2 * r] = warpedRow * M00;
            table[(2 * r) + 1] = warpedRow * M10;
        }

        Span<double> columns = table[(2 * rows)..];
        for (int c = 0; c < cols; c++)
        {
            int warpedCol = WarpedCol(c);
            columns[2 * c] = warpedCol * M01;
            columns[(2 * c) + 1] = warpedCol * M11;
        }
    }

    /// <summary>The input row read by output pixel (r, c) (incremental form).</summary>
    public double RowAt(int r, int c) => Row0 + (r * RowPerRow) + (c * RowPerCol);

    /// <summary>The input column read by output pixel (r, c) (incremental form).</summary>
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
            aligned: warp is null,
            m,
            flipVertical ? rows - 1 : 0,
            flipVertical ? -1 : 1,
            flipHorizontal ? cols - 1 : 0,
            flipHorizontal ? -1 : 1);
    }
}

/// <summary>
/// One output row of a <see cref="SamplingGrid"/> in its exact form: the input coordinate of column c is
/// (r'·m00 + c'·m01) + offset, evaluated in scipy 1.10's order (the row's product is the first partial sum).
/// One multiply and two adds per axis and pixel, as cheap as the incremental form and bit-identical to scipy.
/// </summary>
internal readonly struct ExactRow
{
    private readonly double _rowPartY, _rowPartX, _m01, _m11, _m02, _m12;
    private readonly int _colBase, _colSign;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public ExactRow(in SamplingGrid grid, int r)
    {
        int warpedRow = grid.WarpedRow(r);
        _rowPartY = warpedRow * grid.M00;
        _rowPartX = warpedRow * grid.M10;
        _m01 = grid.M01;
        _m11 = grid.M11;
        _m02 = grid.M02;
        _m12 = grid.M12;
        _colBase = grid.ColFlipBase;
        _colSign = grid.ColFlipSign;
    }

    /// <summary>The input row sampled by output column <paramref name="c"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public double Y(int c) => (_rowPartY + ((_colBase + (c * _colSign)) * _m01)) + _m02;

    /// <summary>The input column sampled by output column <paramref name="c"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public double X(int c) => (_rowPartX + ((_colBase + (c * _colSign)) * _m11)) + _m12;

    /// <summary>True when output column <paramref name="c"/> samples inside [0, rows-1] × [0, cols-1], where no mode folds anything.</summary>
    public bool IsInside(int c, int rows, int cols)
    {
        double y = Y(c), x = X(c);
        return y >= 0 && y <= rows - 1 && x >= 0 && x <= cols - 1;
    }
}
