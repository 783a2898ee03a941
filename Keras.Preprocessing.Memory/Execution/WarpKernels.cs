using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// The CPU warp: for each output row, the pixels whose taps all lie inside the image take a branch-free
/// bilinear path; the few near the border go through scipy's boundary rules (<see cref="Taps.Compute"/>).
/// Generic over the source element type and the channel count so the JIT emits one tight loop per combination.
/// </summary>
internal static unsafe class WarpKernels
{
    /// <summary>
    /// Whether the AVX-512 kernels may run where the CPU has them; tests turn it off to cover the narrower paths,
    /// which every other machine takes.
    /// </summary>
    internal static bool UseWideVectors { get; set; } = true;

    /// <summary>Warps rows [rowStart, rowEnd) of one image from <paramref name="src"/> into <paramref name="dst"/>.</summary>
    /// <remarks>
    /// The kernels are compiled fully optimized on first use (no tiering): they carry all the work, and the first
    /// batches of a run should not take the unoptimized, instrumented tiers.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WarpRows<T>(
        T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, FillMode mode, float cval, int order, int rowStart, int rowEnd)
        where T : unmanaged
    {
        if (g.IsChannelsFirst == 0)
        {
            switch (g.Channels)
            {
                case 1:
                    WarpRows<T, One>(src, dst, g, grid, mode, cval, order, rowStart, rowEnd);
                    return;
                case 3:
                    WarpRows<T, Three>(src, dst, g, grid, mode, cval, order, rowStart, rowEnd);
                    return;
                case 4:
                    WarpRows<T, Four>(src, dst, g, grid, mode, cval, order, rowStart, rowEnd);
                    return;
            }
        }

        WarpRows<T, Any>(src, dst, g, grid, mode, cval, order, rowStart, rowEnd);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WarpRows<T, TC>(
        T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, FillMode mode, float cval, int order, int rowStart, int rowEnd)
        where T : unmanaged
        where TC : struct, IChannelCount
    {
        var prefetch = new SourcePrefetch(g, grid, rowStart, rowEnd);
        prefetch.Start(src);
        for (int r = rowStart; r < rowEnd; r++)
        {
            prefetch.Advance(src, r);
            if (grid.IsPixelAligned != 0)
            {
                CopyRow<T, TC>(src, dst, g, grid, r);
            }
            else
            {
                WarpRow<T, TC>(src, dst + ((long)r * g.RowStride), g, grid, mode, cval, order, r);
            }
        }
    }

    /// <summary>
    /// Requests a whole source image into cache when it is small (as <see cref="SourcePrefetch"/> does at its start),
    /// so the engine can ask for the next image of a work item while it warps the current one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PrefetchSmallImage<T>(T* src, in ImageGeometry g)
        where T : unmanaged
    {
        long bytes = (long)g.Size * sizeof(T);
        if (!Sse.IsSupported || bytes > SourcePrefetch.WholeImageBytes)
        {
            return;
        }

        for (byte* p = (byte*)((nint)src & ~(nint)63), end = (byte*)src + bytes; p < end; p += 64)
        {
            Sse.Prefetch0(p);
        }
    }

    /// <summary>
    /// Software prefetch of the source rows a block is about to read. A rotated grid walks the source diagonally,
    /// visiting each cache line in a few short bursts that hardware prefetchers do not predict, so without this
    /// every first touch of a line is a full memory latency (it doubled the time per 224x224 image when the
    /// dataset is larger than the caches). Output row r reads source rows between its two ends' row coordinates
    /// (the map is linear along a row); the rows for output row r + Lookahead are requested while row r is warped,
    /// each source row once. Small images are requested whole at the start. Prefetches are hints: no effect on results.
    /// </summary>
    private struct SourcePrefetch
    {
        private const int Lookahead = 6;
        public const int WholeImageBytes = 16 * 1024;

        private readonly ImageGeometry _g;
        private readonly SamplingGrid _grid;
        private readonly int _rowStart;
        private readonly int _rowEnd;
        private int _lo;
        private int _hi;

        public SourcePrefetch(in ImageGeometry g, in SamplingGrid grid, int rowStart, int rowEnd)
        {
            _g = g;
            _grid = grid;
            _rowStart = rowStart;
            _rowEnd = rowEnd;
            _lo = int.MaxValue;
            _hi = int.MinValue;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Start<T>(T* src)
            where T : unmanaged
        {
            if (!Sse.IsSupported)
            {
                return;
            }

            if ((long)_g.Size * sizeof(T) <= WholeImageBytes)
            {
                Rows(src, 0, _g.Rows - 1);
                _lo = 0;
                _hi = _g.Rows - 1;
                return;
            }

            for (int r = _rowStart - Lookahead; r < _rowStart; r++)
            {
                Advance(src, r);
            }
        }

        /// <summary>Requests the source rows of output row <paramref name="r"/> + Lookahead not requested yet.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Advance<T>(T* src, int r)
            where T : unmanaged
        {
            int ahead = r + Lookahead;
            if (!Sse.IsSupported || ahead >= _rowEnd || (_lo == 0 && _hi == _g.Rows - 1))
            {
                return;
            }

            double a = _grid.RowAt(ahead, 0), b = _grid.RowAt(ahead, _g.Cols - 1);
            if (!double.IsFinite(a) || !double.IsFinite(b))
            {
                return;
            }

            int lo = (int)Math.Clamp(Math.Floor(Math.Min(a, b)), 0, _g.Rows - 1);
            int hi = (int)Math.Clamp(Math.Floor(Math.Max(a, b)) + 1, 0, _g.Rows - 1);
            if (_lo > _hi)
            {
                Rows(src, lo, hi);
            }
            else
            {
                if (lo < _lo)
                {
                    Rows(src, lo, _lo - 1);
                }

                if (hi > _hi)
                {
                    Rows(src, _hi + 1, hi);
                }
            }

            _lo = Math.Min(_lo, lo);
            _hi = Math.Max(_hi, hi);
        }

        /// <summary>Prefetches source rows [first, last] of every channel plane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Rows<T>(T* src, int first, int last)
            where T : unmanaged
        {
            int planes = _g.IsChannelsFirst != 0 ? _g.Channels : 1;
            for (int plane = 0; plane < planes; plane++)
            {
                byte* start = (byte*)(src + ((long)plane * (_g.IsChannelsFirst != 0 ? _g.ChannelStride : 0)) + ((long)first * _g.RowStride));
                byte* end = (byte*)(src + ((long)plane * (_g.IsChannelsFirst != 0 ? _g.ChannelStride : 0)) + ((long)(last + 1) * _g.RowStride));
                for (byte* p = (byte*)((nint)start & ~(nint)63); p < end; p += 64)
                {
                    Sse.Prefetch0(p);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WarpRow<T, TC>(T* src, float* outRow, in ImageGeometry g, in SamplingGrid grid, FillMode mode, float cval, int order, int r)
        where T : unmanaged
        where TC : struct, IChannelCount
    {
        int channels = TC.Resolve(g.Channels);
        int ps = g.PixelStride, rs = g.RowStride, cs = g.ChannelStride, cols = g.Cols;
        double y = grid.Row0 + (r * grid.RowPerRow), x = grid.Col0 + (r * grid.ColPerRow);
        double dy = grid.RowPerCol, dx = grid.ColPerCol;
        InteriorSpan(y, dy, g.Rows, x, dx, cols, out int c0, out int c1);
        c1 = Math.Max(c1, c0);

        // Pixels are written left to right: with 3 packed channels a 4-lane store spills into the next pixel,
        // which is written after it. Only the row's last pixel must not spill (into another row's pixel).
        bool packed = PackedPixels<T, TC>(g);
        int spillLimit = channels == 4 ? cols : cols - 1;

        EdgeRun<T, TC>(src, outRow, g, y, dy, x, dx, mode, cval, order, 0, c0, packed, spillLimit);

        int c = c0;
        if (packed)
        {
            c = order == 1
                ? PackedBilinear(src, outRow, rs, channels, g.Size, y, dy, x, dx, c0, Math.Min(c1, spillLimit), Math.Min(c1, cols - (channels == 4 ? 0 : 2)))
                : PackedNearest(src, outRow, rs, channels, g.Size, y, dy, x, dx, c0, Math.Min(c1, spillLimit));
        }

        // The interior needs no boundary rule: every tap is in range, so Taps.Compute reduces to these steps.
        if (order == 1)
        {
            for (double cc = c; c < c1; c++, cc++)
            {
                double yy = y + (cc * dy), xx = x + (cc * dx);
                int iy = (int)yy, ix = (int)xx;
                float wy = (float)(yy - iy), wx = (float)(xx - ix);
                T* p = src + ((long)iy * rs) + ((long)ix * ps);
                float* o = outRow + (c * ps);
                for (int ch = 0; ch < channels; ch++)
                {
                    T* q = p + (ch * cs);
                    o[ch * cs] = Taps.Blend(Load(q), Load(q + ps), Load(q + rs), Load(q + rs + ps), wy, wx);
                }
            }
        }
        else
        {
            for (; c < c1; c++)
            {
                int iy = (int)(y + (c * dy) + 0.5), ix = (int)(x + (c * dx) + 0.5);
                T* p = src + ((long)iy * rs) + ((long)ix * ps);
                float* o = outRow + (c * ps);
                for (int ch = 0; ch < channels; ch++)
                {
                    o[ch * cs] = Load(p + (ch * cs));
                }
            }
        }

        EdgeRun<T, TC>(src, outRow, g, y, dy, x, dx, mode, cval, order, c1, cols, packed, spillLimit);
    }

    /// <summary>
    /// Whether the packed path applies: channels_last pixels of 3 or 4 float32 or uint8 channels, which fit one
    /// 4-lane vector, so the channels of a pixel are blended together.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PackedPixels<T, TC>(in ImageGeometry g)
        where T : unmanaged
        where TC : struct, IChannelCount =>
        Vector128.IsHardwareAccelerated
        && (typeof(T) == typeof(float) || typeof(T) == typeof(byte))
        && (typeof(TC) == typeof(Three) || typeof(TC) == typeof(Four))
        && g.IsChannelsFirst == 0;

    /// <summary>
    /// Bilinear interior pixels from <paramref name="c0"/> up to <paramref name="end"/>, all channels of a pixel in
    /// one 4-lane vector. Same coordinates, weights and <see cref="Taps.Blend"/> steps as the scalar loop, lane-wise
    /// and without fused multiply-adds, so every value rounds exactly as there. With AVX the coordinates of four
    /// pixels are computed together (the same double products and sums, truncations and float roundings).
    /// With 3 channels the fourth lane reads the next source pixel's first value (discarded); a pixel whose
    /// bottom-right read would pass the image's end stops the loop, and the caller's scalar loop goes on from the
    /// returned column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PackedBilinear<T>(
        T* src, float* outRow, int rs, int channels, int imageSize, double y, double dy, double x, double dx, int c0, int end, int wideEnd)
        where T : unmanaged
    {
        // Highest element offset of a pixel's top-left tap whose bottom-right 4-lane load stays in the image.
        int lastTopLeft = imageSize - 4 - rs - channels;
        int c = c0;
        if (Avx512F.IsSupported && UseWideVectors)
        {
            c = PackedBilinear16(src, outRow, rs, channels, lastTopLeft, y, dy, x, dx, c, wideEnd);
        }

        if (Avx.IsSupported)
        {
            var lanes = Vector256.Create(0.0, 1.0, 2.0, 3.0);
            Vector256<double> y0 = Vector256.Create(y), x0 = Vector256.Create(x), vdy = Vector256.Create(dy), vdx = Vector256.Create(dx);
            Vector128<int> rowStride = Vector128.Create(rs), pixelStride = Vector128.Create(channels), limit = Vector128.Create(lastTopLeft);
            for (; c + 4 <= end; c += 4)
            {
                var cc = Vector256.Create((double)c) + lanes;
                var yy = y0 + (cc * vdy);
                var xx = x0 + (cc * vdx);

                // Interior coordinates are non-negative and in int range, so truncation is the floor.
                var iy = Avx.ConvertToVector128Int32WithTruncation(yy);
                var ix = Avx.ConvertToVector128Int32WithTruncation(xx);
                var wy = Avx.ConvertToVector128Single(yy - Avx.ConvertToVector256Double(iy));
                var wx = Avx.ConvertToVector128Single(xx - Avx.ConvertToVector256Double(ix));
                var offsets = (iy * rowStride) + (ix * pixelStride);
                if (Vector128.GreaterThanAny(offsets, limit))
                {
                    break;
                }

                float* o = outRow + (c * channels);
                BlendPixel(src + offsets.ToScalar(), o, rs, channels, Broadcast(wy, 0), Broadcast(wx, 0));
                BlendPixel(src + offsets.GetElement(1), o + channels, rs, channels, Broadcast(wy, 1), Broadcast(wx, 1));
                BlendPixel(src + offsets.GetElement(2), o + (2 * channels), rs, channels, Broadcast(wy, 2), Broadcast(wx, 2));
                BlendPixel(src + offsets.GetElement(3), o + (3 * channels), rs, channels, Broadcast(wy, 3), Broadcast(wx, 3));
            }
        }

        for (double cc = c; c < end; c++, cc++)
        {
            double yy = y + (cc * dy), xx = x + (cc * dx);
            int iy = (int)yy, ix = (int)xx;
            int offset = (iy * rs) + (ix * channels);
            if (offset > lastTopLeft)
            {
                break;
            }

            BlendPixel(src + offset, outRow + (c * channels), rs, channels, Vector128.Create((float)(yy - iy)), Vector128.Create((float)(xx - ix)));
        }

        return c;
    }

    /// <summary>Nearest-neighbour interior pixels, a pixel's channels copied as one 4-lane vector (see <see cref="PackedBilinear"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PackedNearest<T>(T* src, float* outRow, int rs, int channels, int imageSize, double y, double dy, double x, double dx, int c0, int end)
        where T : unmanaged
    {
        int lastLoad = imageSize - 4;
        int c = c0;
        for (; c < end; c++)
        {
            int offset = ((int)(y + (c * dy) + 0.5) * rs) + ((int)(x + (c * dx) + 0.5) * channels);
            if (offset > lastLoad)
            {
                break;
            }

            Load4(src + offset).Store(outRow + (c * channels));
        }

        return c;
    }

    /// <summary>
    /// AVX-512 form of <see cref="PackedBilinear"/>: coordinates of eight pixels per step in double lanes, then four
    /// pixels per 16-lane vector (a pixel's 4 lanes each), the same lane-wise <see cref="Taps.Blend"/> steps. With 3
    /// channels the lanes are compacted before the store, whose last 4 lanes spill into the next two output pixels
    /// (written after), so <paramref name="end"/> keeps two pixels of the row beyond the last group. Works in groups
    /// of eight, and a final group of four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PackedBilinear16<T>(T* src, float* outRow, int rs, int channels, int lastTopLeft, double y, double dy, double x, double dx, int c, int end)
        where T : unmanaged
    {
        var lanes = Vector512.Create(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
        Vector512<double> y0 = Vector512.Create(y), x0 = Vector512.Create(x), vdy = Vector512.Create(dy), vdx = Vector512.Create(dx);
        Vector256<int> rowStride = Vector256.Create(rs), pixelStride = Vector256.Create(channels), limit = Vector256.Create(lastTopLeft);

        // Lane k of a 4-pixel vector belongs to pixel k / 4: these spread per-pixel weights over the pixel's lanes.
        var spreadLow = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        var spreadHigh = spreadLow + Vector512.Create(4);
        var compact = channels == 3
            ? Vector512.Create(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15)
            : Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        while (c + 4 <= end)
        {
            var cc = Vector512.Create((double)c) + lanes;
            var yy = y0 + (cc * vdy);
            var xx = x0 + (cc * vdx);
            var iy = Avx512F.ConvertToVector256Int32WithTruncation(yy);
            var ix = Avx512F.ConvertToVector256Int32WithTruncation(xx);
            var wy = Avx512F.ConvertToVector256Single(yy - Avx512F.ConvertToVector512Double(iy)).ToVector512Unsafe();
            var wx = Avx512F.ConvertToVector256Single(xx - Avx512F.ConvertToVector512Double(ix)).ToVector512Unsafe();
            var offsets = (iy * rowStride) + (ix * pixelStride);

            // A last group of only four pixels (short rows) ignores the upper lanes, which may lie past the interior.
            bool both = c + 8 <= end;
            var tooFar = Vector256.GreaterThan(offsets, limit);
            if (both ? tooFar != Vector256<int>.Zero : tooFar.GetLower() != Vector128<int>.Zero)
            {
                break;
            }

            float* o = outRow + (c * channels);
            BlendFour(src, offsets.GetLower(), o, rs, channels, Avx512F.PermuteVar16x32(wy, spreadLow), Avx512F.PermuteVar16x32(wx, spreadLow), compact);
            if (!both)
            {
                c += 4;
                break;
            }

            BlendFour(src, offsets.GetUpper(), o + (4 * channels), rs, channels, Avx512F.PermuteVar16x32(wy, spreadHigh), Avx512F.PermuteVar16x32(wx, spreadHigh), compact);
            c += 8;
        }

        return c;
    }

    /// <summary>Four pixels' <see cref="Taps.Blend"/> in one 16-lane vector; <paramref name="offsets"/> are their top-left taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendFour<T>(T* src, Vector128<int> offsets, float* o, int rs, int ps, Vector512<float> rowWeight, Vector512<float> colWeight, Vector512<int> compact)
        where T : unmanaged
    {
        T* p0 = src + offsets.ToScalar(), p1 = src + offsets.GetElement(1), p2 = src + offsets.GetElement(2), p3 = src + offsets.GetElement(3);
        var topLeft = Load4x4(p0, p1, p2, p3);
        var topRight = Load4x4(p0 + ps, p1 + ps, p2 + ps, p3 + ps);
        var bottomLeft = Load4x4(p0 + rs, p1 + rs, p2 + rs, p3 + rs);
        var bottomRight = Load4x4(p0 + rs + ps, p1 + rs + ps, p2 + rs + ps, p3 + rs + ps);
        var top = topLeft + (colWeight * (topRight - topLeft));
        var bottom = bottomLeft + (colWeight * (bottomRight - bottomLeft));
        var v = top + (rowWeight * (bottom - top));
        (ps == 3 ? Avx512F.PermuteVar16x32(v, compact) : v).Store(o);
    }

    /// <summary>Four elements at each of four addresses, as 16 float32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load4x4<T>(T* a, T* b, T* c, T* d)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.Create(
                Vector256.Create(Vector128.Load((float*)a), Vector128.Load((float*)b)),
                Vector256.Create(Vector128.Load((float*)c), Vector128.Load((float*)d)));
        }

        var bytes = Vector128.Create(Unsafe.ReadUnaligned<uint>(a), Unsafe.ReadUnaligned<uint>(b), Unsafe.ReadUnaligned<uint>(c), Unsafe.ReadUnaligned<uint>(d)).AsByte();
        return Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(bytes));
    }

    /// <summary><see cref="Taps.Blend"/> on all channels of one pixel at once; p is the top-left tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendPixel<T>(T* p, float* o, int rs, int ps, Vector128<float> rowWeight, Vector128<float> colWeight)
        where T : unmanaged
    {
        var topLeft = Load4(p);
        var topRight = Load4(p + ps);
        var bottomLeft = Load4(p + rs);
        var bottomRight = Load4(p + rs + ps);
        var top = topLeft + (colWeight * (topRight - topLeft));
        var bottom = bottomLeft + (colWeight * (bottomRight - bottomLeft));
        (top + (rowWeight * (bottom - top))).Store(o);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Broadcast(Vector128<float> v, [ConstantExpected(Max = 3)] byte lane) =>
        Vector128.Shuffle(v, Vector128.Create((int)lane));

    /// <summary>Four consecutive source elements as float32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Load4<T>(T* p)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector128.Load((float*)p);
        }

        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(p)).AsByte();
        return Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32());
    }

    /// <summary>
    /// Output pixels [cStart, cEnd) of a row that need scipy's boundary rules, each through <see cref="Taps.Compute"/>.
    /// One call per run, not per pixel, keeps call overhead off rows that are mostly edge (small images).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EdgeRun<T, TC>(
        T* src, float* outRow, in ImageGeometry g, double y, double dy, double x, double dx, FillMode mode, float cval, int order,
        int cStart, int cEnd, bool packed, int spillLimit)
        where T : unmanaged
        where TC : struct, IChannelCount
    {
        if (cStart >= cEnd)
        {
            return;
        }

        // A constant mode and order per call site let the JIT fold Taps.Compute's branches on them.
        switch ((mode, order))
        {
            case (FillMode.Nearest, 1):
                EdgeRunCore<T, TC>(src, outRow, g, y, dy, x, dx, FillMode.Nearest, cval, 1, cStart, cEnd, packed, spillLimit);
                break;
            case (FillMode.Constant, 1):
                EdgeRunCore<T, TC>(src, outRow, g, y, dy, x, dx, FillMode.Constant, cval, 1, cStart, cEnd, packed, spillLimit);
                break;
            case (FillMode.Reflect, 1):
                EdgeRunCore<T, TC>(src, outRow, g, y, dy, x, dx, FillMode.Reflect, cval, 1, cStart, cEnd, packed, spillLimit);
                break;
            default:
                EdgeRunCore<T, TC>(src, outRow, g, y, dy, x, dx, mode, cval, order, cStart, cEnd, packed, spillLimit);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EdgeRunCore<T, TC>(
        T* src, float* outRow, in ImageGeometry g, double y, double dy, double x, double dx, FillMode mode, float cval, int order,
        int cStart, int cEnd, bool packed, int spillLimit)
        where T : unmanaged
        where TC : struct, IChannelCount
    {
        int channels = TC.Resolve(g.Channels);
        int cs = g.ChannelStride, ps = g.PixelStride, rs = g.RowStride;
        int lastLoad = g.Size - 4;
        for (int c = cStart; c < cEnd; c++)
        {
            float* o = outRow + (c * ps);
            var t = Taps.Compute(y + (c * dy), x + (c * dx), g.Rows, g.Cols, mode, order);
            if (t.IsOutside != 0)
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    o[ch * cs] = cval;
                }

                continue;
            }

            int row0 = t.Row0 * rs, row1 = t.Row1 * rs, col0 = t.Col0 * ps, col1 = t.Col1 * ps;
            if (packed && c < spillLimit && row1 + col1 <= lastLoad)
            {
                BlendCorners(src + row0 + col0, src + row0 + col1, src + row1 + col0, src + row1 + col1, o, t.RowWeight, t.ColWeight);
                continue;
            }

            for (int ch = 0; ch < channels; ch++)
            {
                int k = ch * cs;
                o[k] = Taps.Blend(Load(src + row0 + col0 + k), Load(src + row0 + col1 + k), Load(src + row1 + col0 + k), Load(src + row1 + col1 + k), t.RowWeight, t.ColWeight);
            }
        }
    }

    /// <summary><see cref="Taps.Blend"/> on all channels of one pixel at once, from four arbitrary taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendCorners<T>(T* p00, T* p01, T* p10, T* p11, float* o, float rowWeight, float colWeight)
        where T : unmanaged
    {
        var wx = Vector128.Create(colWeight);
        var topLeft = Load4(p00);
        var bottomLeft = Load4(p10);
        var top = topLeft + (wx * (Load4(p01) - topLeft));
        var bottom = bottomLeft + (wx * (Load4(p11) - bottomLeft));
        (top + (Vector128.Create(rowWeight) * (bottom - top))).Store(o);
    }

    /// <summary>No warp, only flips: each output pixel is a whole input pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRow<T, TC>(T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, int r)
        where T : unmanaged
        where TC : struct, IChannelCount
    {
        int channels = TC.Resolve(g.Channels);
        int ps = g.PixelStride, cs = g.ChannelStride;
        int sr = (int)grid.RowAt(r, 0);
        int sc = (int)grid.Col0, step = (int)grid.ColPerCol;
        T* inRow = src + ((long)sr * g.RowStride);
        float* outRow = dst + ((long)r * g.RowStride);
        if (step == 1 && g.IsChannelsFirst == 0)
        {
            Convert(inRow, outRow, g.RowStride);
            return;
        }

        for (int c = 0; c < g.Cols; c++)
        {
            T* p = inRow + ((long)(sc + (c * step)) * ps);
            float* o = outRow + (c * ps);
            for (int ch = 0; ch < channels; ch++)
            {
                o[ch * cs] = Load(p + (ch * cs));
            }
        }
    }

    /// <summary>
    /// The output columns [c0, c1) whose input coordinate lies in [0, n-1) on both axes, so that both bilinear
    /// taps are in range and no boundary rule applies. Estimated in closed form, then checked at its ends
    /// (the coordinate is monotone in c, so the ends decide).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void InteriorSpan(double y, double dy, int rows, double x, double dx, int cols, out int c0, out int c1)
    {
        c0 = 0;
        c1 = cols;
        Clip(y, dy, rows - 1, ref c0, ref c1);
        Clip(x, dx, cols - 1, ref c0, ref c1);
        while (c0 < c1 && !Inside(y + (c0 * dy), rows - 1, x + (c0 * dx), cols - 1))
        {
            c0++;
        }

        while (c1 > c0 && !Inside(y + ((c1 - 1) * dy), rows - 1, x + ((c1 - 1) * dx), cols - 1))
        {
            c1--;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static bool Inside(double yy, double ylimit, double xx, double xlimit) => yy >= 0 && yy < ylimit && xx >= 0 && xx < xlimit;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Clip(double a, double d, double limit, ref int lo, ref int hi)
        {
            if (limit <= 0 || !double.IsFinite(a) || !double.IsFinite(d))
            {
                hi = lo;
                return;
            }

            if (d == 0)
            {
                if (!(a >= 0 && a < limit))
                {
                    hi = lo;
                }

                return;
            }

            double t0 = -a / d, t1 = (limit - a) / d;
            double first = Math.Ceiling(Math.Min(t0, t1)) - 1, last = Math.Floor(Math.Max(t0, t1)) + 1;
            lo = Math.Max(lo, (int)Math.Clamp(first, 0, hi));
            hi = Math.Min(hi, (int)Math.Clamp(last + 1, lo, hi));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Load<T>(T* p)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return *(float*)p;
        }

        if (typeof(T) == typeof(byte))
        {
            return *(byte*)p;
        }

        if (typeof(T) == typeof(double))
        {
            return (float)*(double*)p;
        }

        if (typeof(T) == typeof(ushort))
        {
            return *(ushort*)p;
        }

        if (typeof(T) == typeof(short))
        {
            return *(short*)p;
        }

        if (typeof(T) == typeof(int))
        {
            return *(int*)p;
        }

        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>Converts a run of source elements to float32.</summary>
    internal static void Convert<T>(T* src, float* dst, int count)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Buffer.MemoryCopy(src, dst, (long)count * sizeof(float), (long)count * sizeof(float));
            return;
        }

        if (typeof(T) == typeof(byte))
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating(
                new ReadOnlySpan<byte>(src, count), new Span<float>(dst, count));
            return;
        }

        for (int i = 0; i < count; i++)
        {
            dst[i] = Load(src + i);
        }
    }
}

/// <summary>A channel count fixed at JIT time (or <see cref="Any"/> for one read at run time).</summary>
internal interface IChannelCount
{
    static abstract int Resolve(int runtime);
}

internal readonly struct One : IChannelCount
{
    public static int Resolve(int runtime) => 1;
}

internal readonly struct Three : IChannelCount
{
    public static int Resolve(int runtime) => 3;
}

internal readonly struct Four : IChannelCount
{
    public static int Resolve(int runtime) => 4;
}

internal readonly struct Any : IChannelCount
{
    public static int Resolve(int runtime) => runtime;
}
