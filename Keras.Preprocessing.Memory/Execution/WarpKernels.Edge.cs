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
    /// From a group whose taps' 4-lane loads would pass the image's end, or whose coordinates are not finite, the
    /// rest of the run goes to the scalar rules. The stores are masked to the run, so nothing outside [cStart, cEnd)
    /// is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WarpEdgeRunAvx512<T, TC, TMode>(T* src, float* outRow, in ImageGeometry g, in SamplingGrid grid, in ExactRow exact, float cval, int r, int cStart, int cEnd, int spillLimit)
        where T : unmanaged
        where TC : struct, IChannelCount
        where TMode : struct, IBoundaryMode
    {
        // float32 reads 8-lane windows (an image of fewer than 8 values has none: it takes the 4-lane loads below).
        if (typeof(T) == typeof(float) && g.Size >= 8)
        {
            if (typeof(TMode) == typeof(NearestMode))
            {
                WarpEdgeRunNearestPairedAvx512<TC>((float*)src, outRow, g, grid, exact, cval, r, cStart, cEnd, spillLimit);
            }
            else
            {
                WarpEdgeRunPairedAvx512<TC, TMode>((float*)src, outRow, g, grid, exact, cval, r, cStart, cEnd, spillLimit);
            }

            return;
        }

        bool constant = typeof(TMode) == typeof(ConstantMode);
        int channels = TC.Resolve(g.Channels);
        var mapper = new EdgeTapMapper<TMode>(g, grid, r);
        Vector256<int> rowStride = Vector256.Create(g.RowStride), pixelStride = Vector256.Create(channels), limit = Vector256.Create(g.Size - 4);
        var spreadLow = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        var spreadHigh = spreadLow + Vector512.Create(4);
        var compact = channels == 3
            ? Vector512.Create(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15)
            : Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var laneIndex = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var fill = Vector512.Create(cval);

        // The taps' offsets go through memory (loads are cheaper than lane extracts; see WarpPackedBilinearAvx512).
        int* at = stackalloc int[32];

        int c = cStart;
        for (; c < cEnd; c += 8)
        {
            int count = Math.Min(8, cEnd - c);
            if (!mapper.Map(c, count, out var taps))
            {
                break; // the scalar rules for the rest of the run, after the loop
            }

            // Lanes past the run read pixel 0 (their results are not stored).
            var topLeft = Vector256.BitwiseAnd((taps.Row0 * rowStride) + (taps.Col0 * pixelStride), taps.Active);
            var topRight = Vector256.BitwiseAnd((taps.Row0 * rowStride) + (taps.Col1 * pixelStride), taps.Active);
            var bottomLeft = Vector256.BitwiseAnd((taps.Row1 * rowStride) + (taps.Col0 * pixelStride), taps.Active);
            var bottomRight = Vector256.BitwiseAnd((taps.Row1 * rowStride) + (taps.Col1 * pixelStride), taps.Active);
            if (Vector256.GreaterThanAny(Vector256.Max(Vector256.Max(topLeft, topRight), Vector256.Max(bottomLeft, bottomRight)), limit))
            {
                break; // a load would pass the image's end (its last pixels): likewise
            }

            topLeft.Store(at);
            topRight.Store(at + 8);
            bottomLeft.Store(at + 16);
            bottomRight.Store(at + 24);
            float* o = outRow + (c * channels);
            var outsideLanes = taps.Outside.ToVector512Unsafe().AsSingle();
            BlendFourCorners(
                src,
                at,
                o,
                channels,
                Avx512F.PermuteVar16x32(taps.RowWeight, spreadLow),
                Avx512F.PermuteVar16x32(taps.ColWeight, spreadLow),
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
                    Avx512F.PermuteVar16x32(taps.RowWeight, spreadHigh),
                    Avx512F.PermuteVar16x32(taps.ColWeight, spreadHigh),
                    compact,
                    constant ? Avx512F.PermuteVar16x32(outsideLanes, spreadHigh) : outsideLanes,
                    fill,
                    Vector512.LessThan(laneIndex, Vector512.Create((count - 4) * channels)));
            }
        }

        if (c < cEnd)
        {
            WarpEdgeRunCore<T, TC, TMode, LinearSampler>(src, outRow, g, exact, cval, c, cEnd, true, spillLimit);
        }
    }

    /// <summary>
    /// <see cref="WarpEdgeRunAvx512{T, TC, TMode}"/> for float32 with one 8-lane load per pixel and tap row, as the
    /// interior's <see cref="BlendFourPaired"/>: a pixel's two tap columns are the same or neighbours, so one window
    /// of 8 values, starting at the lower of the two and moved back from the image's end when it would pass it,
    /// holds both; each pixel picks its left and right values at their offsets in its window. The image holds at
    /// least 8 values.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WarpEdgeRunPairedAvx512<TC, TMode>(float* src, float* outRow, in ImageGeometry g, in SamplingGrid grid, in ExactRow exact, float cval, int r, int cStart, int cEnd, int spillLimit)
        where TC : struct, IChannelCount
        where TMode : struct, IBoundaryMode
    {
        int channels = TC.Resolve(g.Channels);
        int lastWindow = g.Size - 8;
        var mapper = new EdgeTapMapper<TMode>(g, grid, r);
        var fill = Vector512.Create(cval);
        var rowStride = Vector256.Create(g.RowStride);
        var pixelStride = Vector256.Create(channels);
        var last = Vector256.Create(lastWindow);

        var spread = PairedSpread(channels);
        var pick = PairedPick(channels);
        int* at = stackalloc int[16];
        int c = cStart;
        for (; c < cEnd; c += 8)
        {
            int count = Math.Min(8, cEnd - c);
            if (!mapper.Map(c, count, out var taps))
            {
                break; // the scalar rules for the rest of the run, after the loop
            }

            // Windows of lanes past the run (and of constant's outside pixels) start at 0 with no offset: a safe read.
            var keep = Vector256.AndNot(taps.Active, taps.Outside);
            var firstCol = Vector256.Min(taps.Col0, taps.Col1);
            var colPart = firstCol * pixelStride;
            var top = ((taps.Row0 * rowStride) + colPart) & keep;
            var bottom = ((taps.Row1 * rowStride) + colPart) & keep;
            var topStart = Vector256.Min(top, last);
            var bottomStart = Vector256.Min(bottom, last);
            topStart.Store(at);
            bottomStart.Store(at + 8);

            // A tap's offset in its window: the window's shift back from the image's end, plus one pixel for the
            // higher of the two columns.
            var leftStep = Vector256.GreaterThan(taps.Col0, firstCol) & pixelStride;
            var rightStep = Vector256.GreaterThan(taps.Col1, firstCol) & pixelStride;
            var topShift = top - topStart;
            var bottomShift = bottom - bottomStart;
            var topLeft = (topShift + leftStep).ToVector512Unsafe();
            var topRight = (topShift + rightStep).ToVector512Unsafe();
            var bottomLeft = (bottomShift + leftStep).ToVector512Unsafe();
            var bottomRight = (bottomShift + rightStep).ToVector512Unsafe();
            var outside = taps.Outside.ToVector512Unsafe();
            float* o = outRow + (c * channels);
            for (int half = 0; half < 2 && half * 4 < count; half++)
            {
                var lanes = spread + Vector512.Create(half * 4);
                var v = BlendWindows(
                    src,
                    at + (half * 4),
                    pick + Avx512F.PermuteVar16x32(topLeft, lanes),
                    pick + Avx512F.PermuteVar16x32(topRight, lanes),
                    pick + Avx512F.PermuteVar16x32(bottomLeft, lanes),
                    pick + Avx512F.PermuteVar16x32(bottomRight, lanes),
                    Avx512F.PermuteVar16x32(taps.RowWeight, lanes),
                    Avx512F.PermuteVar16x32(taps.ColWeight, lanes));
                if (typeof(TMode) == typeof(ConstantMode))
                {
                    v = Vector512.ConditionalSelect(Avx512F.PermuteVar16x32(outside, lanes).AsSingle(), fill, v);
                }

                StorePixels(o + (half * 4 * channels), v, Math.Min(count - (half * 4), 4) * channels);
            }
        }

        if (c < cEnd)
        {
            WarpEdgeRunCore<float, TC, TMode, LinearSampler>(src, outRow, g, exact, cval, c, cEnd, true, spillLimit);
        }
    }

    /// <summary>
    /// <see cref="WarpEdgeRunPairedAvx512{TC, TMode}"/> for "nearest" (the image holds at least 8 values), with the taps clamped and their offsets formed
    /// in double lanes (exact: integers below 2^31), where the mapped taps' rules reduce to: both tap rows
    /// clamped to [0, rows-1] (likewise the columns), so the window starts at the first column, and the right tap is
    /// the window's second pixel unless both columns were clamped to the same one. Unless a window was moved back
    /// from the image's end (the last row's last pixels), every pixel's left values are the window's first pixel:
    /// the picks are the interior's, moved by the right tap's step.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WarpEdgeRunNearestPairedAvx512<TC>(float* src, float* outRow, in ImageGeometry g, in SamplingGrid grid, in ExactRow exact, float cval, int r, int cStart, int cEnd, int spillLimit)
        where TC : struct, IChannelCount
    {
        int channels = TC.Resolve(g.Channels);
        int lastWindow = g.Size - 8;

        // ExactRow's terms: input row = (r'·M00 + c'·M01) + M02 with c' = ColFlipBase + c·ColFlipSign, an integer
        // held exactly in a double and stepped by 8·ColFlipSign.
        int warpedRow = grid.WarpedRow(r);
        Vector512<double> rowPartY = Vector512.Create(warpedRow * grid.M00), rowPartX = Vector512.Create(warpedRow * grid.M10);
        Vector512<double> m01 = Vector512.Create(grid.M01), m11 = Vector512.Create(grid.M11), m02 = Vector512.Create(grid.M02), m12 = Vector512.Create(grid.M12);
        var lanesD = Vector512.Create(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
        double sign = grid.ColFlipSign;
        var warpedCol = Vector512.Create(grid.ColFlipBase + (cStart * sign)) + (lanesD * Vector512.Create(sign));
        var step = Vector512.Create(8 * sign);

        var zero = Vector512<double>.Zero;
        var one = Vector512<double>.One;
        Vector512<double> lastRow = Vector512.Create((double)(g.Rows - 1)), lastCol = Vector512.Create((double)(g.Cols - 1));
        Vector512<double> rowStride = Vector512.Create((double)g.RowStride), pixelStride = Vector512.Create((double)channels);
        var intRange = Vector512.Create(2147483647.0);
        var last = Vector256.Create(lastWindow);

        var spread = PairedSpread(channels);
        var pick = PairedPick(channels);
        int* at = stackalloc int[16];
        int c = cStart;
        for (; c < cEnd; c += 8, warpedCol += step)
        {
            int count = Math.Min(8, cEnd - c);
            var y = (rowPartY + (warpedCol * m01)) + m02;
            var x = (rowPartX + (warpedCol * m11)) + m12;

            // Beyond the int range, inf or NaN (a degenerate matrix): the scalar rules, for the rest of the run (a
            // call inside the loop would make every vector live across it go through the stack).
            if (!Vector512.LessThanAll(Avx512F.Max(Vector512.Abs(y), Vector512.Abs(x)), intRange))
            {
                break;
            }

            var fy = Vector512.Floor(y);
            var fx = Vector512.Floor(x);
            var rowWeight = Avx512F.ConvertToVector256Single(y - fy).ToVector512Unsafe();
            var colWeight = Avx512F.ConvertToVector256Single(x - fx).ToVector512Unsafe();
            var row0 = Avx512F.Min(Avx512F.Max(fy, zero), lastRow);
            var row1 = Avx512F.Min(Avx512F.Max(fy + one, zero), lastRow);
            var col0 = Avx512F.Min(Avx512F.Max(fx, zero), lastCol);
            var col1 = Avx512F.Min(Avx512F.Max(fx + one, zero), lastCol);

            var colPart = col0 * pixelStride;
            var topD = (row0 * rowStride) + colPart;
            var bottomD = (row1 * rowStride) + colPart;
            if (count < 8)
            {
                // Lanes past the run read the image's first window (their results are not stored).
                var active = Vector512.LessThan(lanesD, Vector512.Create((double)count));
                topD &= active;
                bottomD &= active;
            }

            var top = Avx512F.ConvertToVector256Int32WithTruncation(topD);
            var bottom = Avx512F.ConvertToVector256Int32WithTruncation(bottomD);
            var rightStep = Avx512F.ConvertToVector256Int32WithTruncation((col1 - col0) * pixelStride).ToVector512Unsafe();
            var topStart = Vector256.Min(top, last);
            var bottomStart = Vector256.Min(bottom, last);
            topStart.Store(at);
            bottomStart.Store(at + 8);
            var topShift = (top - topStart).ToVector512Unsafe();
            var bottomShift = (bottom - bottomStart).ToVector512Unsafe();
            bool shifted = !Vector256.EqualsAll(top, topStart) || !Vector256.EqualsAll(bottom, bottomStart);
            float* o = outRow + (c * channels);
            for (int half = 0; half < 2 && half * 4 < count; half++)
            {
                var lanes = spread + Vector512.Create(half * 4);
                var right = Avx512F.PermuteVar16x32(rightStep, lanes);
                var topPick = shifted ? pick + Avx512F.PermuteVar16x32(topShift, lanes) : pick;
                var bottomPick = shifted ? pick + Avx512F.PermuteVar16x32(bottomShift, lanes) : pick;
                var v = BlendWindows(
                    src,
                    at + (half * 4),
                    topPick,
                    topPick + right,
                    bottomPick,
                    bottomPick + right,
                    Avx512F.PermuteVar16x32(rowWeight, lanes),
                    Avx512F.PermuteVar16x32(colWeight, lanes));
                StorePixels(o + (half * 4 * channels), v, Math.Min(count - (half * 4), 4) * channels);
            }
        }

        if (c < cEnd)
        {
            WarpEdgeRunCore<float, TC, NearestMode, LinearSampler>(src, outRow, g, exact, cval, c, cEnd, true, spillLimit);
        }
    }

    /// <summary>
    /// Four pixels' <see cref="Taps.Blend"/> from their paired windows (top tap rows at <paramref name="w"/>[0..3],
    /// bottom at [8..11]), each tap taken from its window by its pick (see <see cref="BlendPicked"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> BlendWindows(
        float* src, int* w, Vector512<int> topLeft, Vector512<int> topRight, Vector512<int> bottomLeft, Vector512<int> bottomRight, Vector512<float> rowWeight, Vector512<float> colWeight) =>
        BlendPicked(
            Load8x2(src + w[0], src + w[1]),
            Load8x2(src + w[2], src + w[3]),
            Load8x2(src + w[8], src + w[9]),
            Load8x2(src + w[10], src + w[11]),
            topLeft,
            topRight,
            bottomLeft,
            bottomRight,
            rowWeight,
            colWeight);

    /// <summary>The first <paramref name="lanes"/> lanes of <paramref name="v"/> (a boundary run writes nothing outside itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePixels(float* o, Vector512<float> v, int lanes) =>
        Avx512F.MaskStore(o, Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(lanes)).AsSingle(), v);

    /// <summary>Eight boundary pixels' taps as <see cref="EdgeTapMapper{TMode}.Map"/> gives them: tap rows and columns, weights, and the lanes set.</summary>
    private readonly struct EdgeTaps(Vector256<int> row0, Vector256<int> row1, Vector256<int> col0, Vector256<int> col1, Vector256<int> outside, Vector256<int> active, Vector512<float> rowWeight, Vector512<float> colWeight)
    {
        public readonly Vector256<int> Row0 = row0, Row1 = row1, Col0 = col0, Col1 = col1;

        /// <summary>constant: pixels outside [0, n-1] on either axis (cval; their taps are 0).</summary>
        public readonly Vector256<int> Outside = outside;

        /// <summary>The run's pixels (lanes past it have taps 0 and are not stored).</summary>
        public readonly Vector256<int> Active = active;

        /// <summary>The weights in lanes 0-7.</summary>
        public readonly Vector512<float> RowWeight = rowWeight, ColWeight = colWeight;
    }

    /// <summary>
    /// <see cref="Taps.Compute{TMode, TSampler}"/> for <see cref="LinearSampler"/> on eight pixels of one output row in
    /// double lanes, for the modes <see cref="HasVectorEdge{TMode, TSampler}"/> takes (see <see cref="WarpEdgeRunAvx512{T, TC, TMode}"/>).
    /// </summary>
    private readonly struct EdgeTapMapper<TMode>
        where TMode : struct, IBoundaryMode
    {
        private readonly Vector512<double> _rowPartY, _rowPartX, _m01, _m11, _m02, _m12;
        private readonly Vector256<int> _colBase, _colSign, _lastRow, _lastCol, _rowFold, _colFold;
        private readonly Vector512<double> _aboveRows, _aboveCols, _lastRowD, _lastColD;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public EdgeTapMapper(in ImageGeometry g, in SamplingGrid grid, int r)
        {
            // ExactRow's terms: input row = (r'·M00 + c'·M01) + M02 with c' = ColFlipBase + c·ColFlipSign.
            int warpedRow = grid.WarpedRow(r);
            _rowPartY = Vector512.Create(warpedRow * grid.M00);
            _rowPartX = Vector512.Create(warpedRow * grid.M10);
            _m01 = Vector512.Create(grid.M01);
            _m11 = Vector512.Create(grid.M11);
            _m02 = Vector512.Create(grid.M02);
            _m12 = Vector512.Create(grid.M12);
            _colBase = Vector256.Create(grid.ColFlipBase);
            _colSign = Vector256.Create(grid.ColFlipSign);
            _lastRow = Vector256.Create(g.Rows - 1);
            _lastCol = Vector256.Create(g.Cols - 1);
            _aboveRows = Vector512.Create((double)g.Rows);
            _aboveCols = Vector512.Create((double)g.Cols);
            _lastRowD = Vector512.Create((double)(g.Rows - 1));
            _lastColD = Vector512.Create((double)(g.Cols - 1));

            // constant's folded second tap at exactly n-1: "mirror" maps n to n-2 (to 0 when n is 1).
            _rowFold = Vector256.Create(g.Rows > 1 ? g.Rows - 2 : 0);
            _colFold = Vector256.Create(g.Cols > 1 ? g.Cols - 2 : 0);
        }

        /// <summary>The taps of pixels [c, c + count) (count at most 8); false for coordinates beyond the int range, inf or NaN (a degenerate matrix), which the scalar rules take (their long taps saturate and overflow there).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Map(int c, int count, out EdgeTaps taps)
        {
            var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            var active = Vector256.LessThan(lanes, Vector256.Create(count));
            var wc = Avx512F.ConvertToVector512Double(_colBase + ((Vector256.Create(c) + lanes) * _colSign));
            var y = (_rowPartY + (wc * _m01)) + _m02;
            var x = (_rowPartX + (wc * _m11)) + _m12;
            if (!Vector512.LessThanAll(Avx512F.Max(Vector512.Abs(y), Vector512.Abs(x)), Vector512.Create(2147483647.0)))
            {
                taps = default;
                return false;
            }

            var fy = Vector512.Floor(y);
            var fx = Vector512.Floor(x);
            var wy = Avx512F.ConvertToVector256Single(y - fy).ToVector512Unsafe();
            var wx = Avx512F.ConvertToVector256Single(x - fx).ToVector512Unsafe();
            var below = Vector512.Create(-1.0);
            var iy = Avx512F.ConvertToVector256Int32WithTruncation(Avx512F.Min(Avx512F.Max(fy, below), _aboveRows));
            var ix = Avx512F.ConvertToVector256Int32WithTruncation(Avx512F.Min(Avx512F.Max(fx, below), _aboveCols));
            var zero = Vector256<int>.Zero;
            if (typeof(TMode) == typeof(ConstantMode))
            {
                // Outside [0, n-1] on either axis: the pixel is cval (the lanes' taps are set to 0, a safe read).
                var outsideD = Vector512.LessThan(y, Vector512<double>.Zero) | Vector512.GreaterThan(y, _lastRowD)
                    | Vector512.LessThan(x, Vector512<double>.Zero) | Vector512.GreaterThan(x, _lastColD);
                var outside = Avx512F.ConvertToVector256Int32(outsideD.AsInt64());
                var nextRow = iy + Vector256<int>.One;
                var nextCol = ix + Vector256<int>.One;
                taps = new EdgeTaps(
                    Vector256.AndNot(iy, outside) & active,
                    Vector256.AndNot(Vector256.ConditionalSelect(Vector256.GreaterThan(nextRow, _lastRow), _rowFold, nextRow), outside) & active,
                    Vector256.AndNot(ix, outside) & active,
                    Vector256.AndNot(Vector256.ConditionalSelect(Vector256.GreaterThan(nextCol, _lastCol), _colFold, nextCol), outside) & active,
                    outside,
                    active,
                    wy,
                    wx);
            }
            else
            {
                taps = new EdgeTaps(
                    Vector256.Min(Vector256.Max(iy, zero), _lastRow) & active,
                    Vector256.Min(Vector256.Max(iy + Vector256<int>.One, zero), _lastRow) & active,
                    Vector256.Min(Vector256.Max(ix, zero), _lastCol) & active,
                    Vector256.Min(Vector256.Max(ix + Vector256<int>.One, zero), _lastCol) & active,
                    zero,
                    active,
                    wy,
                    wx);
            }

            return true;
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
