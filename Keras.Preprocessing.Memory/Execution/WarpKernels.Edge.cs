using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>The vectorized boundary pixels of the warp (AVX-512, bilinear, packed channels_last pixels).</summary>
internal static unsafe partial class WarpKernels
{
    /// <summary>
    /// Whether <see cref="WarpEdgeRunAvx512{T, TC, TMode}"/> takes the boundary pixels of this instantiation: modes whose
    /// rules reduce to a clamp (nearest) or to cval plus one mirrored tap (constant), bilinear, packed pixels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasVectorEdge<TMode, TSampler>(bool packed, bool wideVectors)
        where TMode : struct, IBoundaryMode
        where TSampler : struct, IPointSampler =>
        packed
        && wideVectors
        && Avx512F.IsSupported
        && typeof(TSampler) == typeof(LinearSampler)
        && (typeof(TMode) == typeof(NearestMode) || typeof(TMode) == typeof(ConstantMode));

    /// <summary>
    /// Boundary pixels [cStart, cEnd) of output row <paramref name="r"/>, eight per step: <see cref="Taps.Compute{TMode, TSampler}"/>
    /// for <see cref="LinearSampler"/> in double lanes, then the same lane-wise <see cref="Taps.Blend"/> as the interior.
    /// Every step is the scalar one's: the exact coordinate (<see cref="ExactRow"/>: the row's product plus the
    /// column's, then the offset), <c>Math.Floor</c>, the weight rounded from the double difference, and the taps
    /// mapped by the mode:
    /// <list type="bullet">
    /// <item>nearest: each tap index clamped to [0, n-1]. The first tap is clamped to [-1, n] before it becomes an
    /// int (both taps come out the same, and a far coordinate cannot overflow);</item>
    /// <item>constant: a coordinate outside [0, n-1] on either axis makes the pixel cval; inside, only the second tap
    /// can leave the image (at exactly n-1), and "mirror" folds it to n-2 (0 when n is 1).</item>
    /// </list>
    /// A group whose taps' 4-lane loads would pass the image's end, or whose coordinates are not finite, goes to the
    /// scalar run. The stores are masked to the run, so nothing outside [cStart, cEnd) is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WarpEdgeRunAvx512<T, TC, TMode>(T* src, float* outRow, in ImageGeometry g, in SamplingGrid grid, in ExactRow exact, float cval, int r, int cStart, int cEnd, int spillLimit)
        where T : unmanaged
        where TC : struct, IChannelCount
        where TMode : struct, IBoundaryMode
    {
        bool constant = typeof(TMode) == typeof(ConstantMode);
        int channels = TC.Resolve(g.Channels);
        int rs = g.RowStride, rows = g.Rows, cols = g.Cols;
        int lastLoad = g.Size - 4;

        // ExactRow's terms: input row = (r'·M00 + c'·M01) + M02 with c' = ColFlipBase + c·ColFlipSign.
        int warpedRow = grid.WarpedRow(r);
        Vector512<double> rowPartY = Vector512.Create(warpedRow * grid.M00), rowPartX = Vector512.Create(warpedRow * grid.M10);
        Vector512<double> m01 = Vector512.Create(grid.M01), m11 = Vector512.Create(grid.M11), m02 = Vector512.Create(grid.M02), m12 = Vector512.Create(grid.M12);
        Vector256<int> colBase = Vector256.Create(grid.ColFlipBase), colSign = Vector256.Create(grid.ColFlipSign);
        var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

        var zero = Vector256<int>.Zero;
        Vector256<int> lastRow = Vector256.Create(rows - 1), lastCol = Vector256.Create(cols - 1);
        Vector256<int> rowStride = Vector256.Create(rs), pixelStride = Vector256.Create(channels), limit = Vector256.Create(lastLoad);
        Vector512<double> belowRows = Vector512.Create(-1.0), aboveRows = Vector512.Create((double)rows);
        Vector512<double> belowCols = Vector512.Create(-1.0), aboveCols = Vector512.Create((double)cols);
        Vector512<double> lastRowD = Vector512.Create((double)(rows - 1)), lastColD = Vector512.Create((double)(cols - 1));

        // constant's folded second tap at exactly n-1: "mirror" maps n to n-2 (to 0 when n is 1).
        Vector256<int> rowFold = Vector256.Create(rows > 1 ? rows - 2 : 0), colFold = Vector256.Create(cols > 1 ? cols - 2 : 0);

        var spreadLow = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        var spreadHigh = spreadLow + Vector512.Create(4);
        var compact = channels == 3
            ? Vector512.Create(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15)
            : Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var laneIndex = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var fill = Vector512.Create(cval);
        var intRange = Vector512.Create(2147483647.0);

        // The taps' offsets go through memory (loads are cheaper than lane extracts; see WarpPackedBilinearAvx512).
        int* at = stackalloc int[32];

        for (int c = cStart; c < cEnd; c += 8)
        {
            int count = Math.Min(8, cEnd - c);
            var active = Vector256.LessThan(lanes, Vector256.Create(count));
            var warpedCol = colBase + ((Vector256.Create(c) + lanes) * colSign);
            var wc = Avx512F.ConvertToVector512Double(warpedCol);
            var y = (rowPartY + (wc * m01)) + m02;
            var x = (rowPartX + (wc * m11)) + m12;

            // Coordinates beyond the int range, inf or NaN (a degenerate matrix): the scalar rules, whose long taps
            // saturate and overflow there.
            if (!Vector512.LessThanAll(Avx512F.Max(Vector512.Abs(y), Vector512.Abs(x)), intRange))
            {
                WarpEdgeRunCore<T, TC, TMode, LinearSampler>(src, outRow, g, exact, cval, c, c + count, true, spillLimit);
                continue;
            }

            var fy = Vector512.Floor(y);
            var fx = Vector512.Floor(x);
            var wy = Avx512F.ConvertToVector256Single(y - fy).ToVector512Unsafe();
            var wx = Avx512F.ConvertToVector256Single(x - fx).ToVector512Unsafe();
            var iy = Avx512F.ConvertToVector256Int32WithTruncation(Avx512F.Min(Avx512F.Max(fy, belowRows), aboveRows));
            var ix = Avx512F.ConvertToVector256Int32WithTruncation(Avx512F.Min(Avx512F.Max(fx, belowCols), aboveCols));
            Vector256<int> row0, row1, col0, col1, outside;
            if (constant)
            {
                // Outside [0, n-1] on either axis: the pixel is cval (the lanes' taps are set to 0, a safe read).
                var outsideD = Vector512.LessThan(y, Vector512<double>.Zero) | Vector512.GreaterThan(y, lastRowD)
                    | Vector512.LessThan(x, Vector512<double>.Zero) | Vector512.GreaterThan(x, lastColD);
                outside = Avx512F.ConvertToVector256Int32(outsideD.AsInt64());
                row0 = Vector256.AndNot(iy, outside);
                col0 = Vector256.AndNot(ix, outside);
                var nextRow = iy + Vector256<int>.One;
                var nextCol = ix + Vector256<int>.One;
                row1 = Vector256.AndNot(Vector256.ConditionalSelect(Vector256.GreaterThan(nextRow, lastRow), rowFold, nextRow), outside);
                col1 = Vector256.AndNot(Vector256.ConditionalSelect(Vector256.GreaterThan(nextCol, lastCol), colFold, nextCol), outside);
            }
            else
            {
                outside = zero;
                row0 = Vector256.Min(Vector256.Max(iy, zero), lastRow);
                row1 = Vector256.Min(Vector256.Max(iy + Vector256<int>.One, zero), lastRow);
                col0 = Vector256.Min(Vector256.Max(ix, zero), lastCol);
                col1 = Vector256.Min(Vector256.Max(ix + Vector256<int>.One, zero), lastCol);
            }

            // Lanes past the run read pixel 0 (their results are not stored).
            var topLeft = Vector256.BitwiseAnd((row0 * rowStride) + (col0 * pixelStride), active);
            var topRight = Vector256.BitwiseAnd((row0 * rowStride) + (col1 * pixelStride), active);
            var bottomLeft = Vector256.BitwiseAnd((row1 * rowStride) + (col0 * pixelStride), active);
            var bottomRight = Vector256.BitwiseAnd((row1 * rowStride) + (col1 * pixelStride), active);
            if (Vector256.GreaterThanAny(Vector256.Max(Vector256.Max(topLeft, topRight), Vector256.Max(bottomLeft, bottomRight)), limit))
            {
                WarpEdgeRunCore<T, TC, TMode, LinearSampler>(src, outRow, g, exact, cval, c, c + count, true, spillLimit);
                continue;
            }

            topLeft.Store(at);
            topRight.Store(at + 8);
            bottomLeft.Store(at + 16);
            bottomRight.Store(at + 24);
            float* o = outRow + (c * channels);
            var outsideLanes = outside.ToVector512Unsafe().AsSingle();
            BlendFourCorners(
                src,
                at,
                o,
                channels,
                Avx512F.PermuteVar16x32(wy, spreadLow),
                Avx512F.PermuteVar16x32(wx, spreadLow),
                compact,
                constant ? Avx512F.PermuteVar16x32(outsideLanes, spreadLow) : outsideLanes,
                fill,
                Vector512.LessThan(laneIndex, Vector512.Create(Math.Min(count, 4) * channels)));
            if (count > 4)
            {
                BlendFourCorners(
                    src,
                    at + 4,
                    o + (4 * channels),
                    channels,
                    Avx512F.PermuteVar16x32(wy, spreadHigh),
                    Avx512F.PermuteVar16x32(wx, spreadHigh),
                    compact,
                    constant ? Avx512F.PermuteVar16x32(outsideLanes, spreadHigh) : outsideLanes,
                    fill,
                    Vector512.LessThan(laneIndex, Vector512.Create((count - 4) * channels)));
            }
        }
    }

    /// <summary>
    /// Four pixels' <see cref="Taps.Blend"/> from four arbitrary taps each (element offsets: top-left at
    /// <paramref name="at"/>[0..3], top-right at [8..11], bottom-left at [16..19], bottom-right at [24..27]), the pixels whose
    /// <paramref name="outside"/> lanes are set replaced by <paramref name="fill"/>, stored under <paramref name="store"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendFourCorners<T>(
        T* src,
        int* at,
        float* o,
        int ps,
        Vector512<float> rowWeight,
        Vector512<float> colWeight,
        Vector512<int> compact,
        Vector512<float> outside,
        Vector512<float> fill,
        Vector512<int> store)
        where T : unmanaged
    {
        var topLeft = Load4x4(src + at[0], src + at[1], src + at[2], src + at[3]);
        var topRight = Load4x4(src + at[8], src + at[9], src + at[10], src + at[11]);
        var bottomLeft = Load4x4(src + at[16], src + at[17], src + at[18], src + at[19]);
        var bottomRight = Load4x4(src + at[24], src + at[25], src + at[26], src + at[27]);
        var top = topLeft + (colWeight * (topRight - topLeft));
        var bottom = bottomLeft + (colWeight * (bottomRight - bottomLeft));
        var v = Vector512.ConditionalSelect(outside, fill, top + (rowWeight * (bottom - top)));
        Avx512F.MaskStore(o, store.AsSingle(), ps == 3 ? Avx512F.PermuteVar16x32(v, compact) : v);
    }
}
