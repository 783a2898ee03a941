using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>The AVX-512 paths of the warp: four pixels per 16-lane vector.</summary>
internal static unsafe partial class WarpKernels
{
    /// <summary>
    /// AVX-512 form of <see cref="WarpPackedBilinear"/>: coordinates of eight pixels per step in double lanes, then four
    /// pixels per 16-lane vector, the same lane-wise <see cref="Taps.Blend"/> steps. With 3 channels the four pixels
    /// fill lanes 0-11 and the store's last 4 lanes spill into the next two output pixels (written after), so groups
    /// of eight go up to <paramref name="wideEnd"/>, which keeps two pixels of the row beyond the last group. The last
    /// group, up to <paramref name="end"/> (the interior's end), stores under a mask: short rows (small images) then
    /// need no narrower loop for their last pixels.
    /// </summary>
    /// <remarks>
    /// The coordinate of pixel c is the double <c>y + c·dy</c> of the scalar loop: <c>c</c> is held as exact
    /// integer-valued doubles stepped by 8.0. Interior coordinates are non-negative, so truncation is the floor;
    /// kept as doubles, the tap's element offset <c>⌊y⌋·rs + ⌊x⌋·ps</c> is exact (below 2^31) and the weight
    /// <c>(float)(y - ⌊y⌋)</c> is the scalar loop's, with one conversion to int per pixel instead of three.
    /// Unless <paramref name="nearEnd"/> (some pixel's bottom taps may lie on the image's last row), no read can
    /// pass the image's end and the groups skip that check.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WarpPackedBilinearAvx512<T>(T* src, float* outRow, int rs, int channels, int lastTopLeft, double y, double dy, double x, double dx, int c, int end, int wideEnd, bool nearEnd, ref SourcePrefetch prefetch)
        where T : unmanaged
    {
        var pixelLanes = Vector512.Create(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
        var cc = Vector512.Create((double)c) + pixelLanes;
        var eight = Vector512.Create(8.0);
        Vector512<double> y0 = Vector512.Create(y), x0 = Vector512.Create(x), vdy = Vector512.Create(dy), vdx = Vector512.Create(dx);
        Vector512<double> rowStride = Vector512.Create((double)rs), pixelStride = Vector512.Create((double)channels);

        // float32 reads a pixel's two taps on a source row with one 8-lane load (both fit: 6 or 8 values), which
        // reaches 4 - channels values further than two 4-lane loads.
        bool paired = typeof(T) == typeof(float);
        var limit = Vector512.Create((double)(paired ? lastTopLeft + channels - 4 : lastTopLeft));

        // Paired, pixel k of a group of four owns lanes [k·channels, (k+1)·channels); 4-lane loads (uint8) put pixel k
        // at lanes 4k..4k+3, compacted to 3k..3k+2 before the store. The picks take each pixel's left tap (its first
        // `channels` values) and right tap (the next `channels`) from its paired load.
        var spreadLow = PairedSpread(paired ? channels : 4);
        var spreadHigh = spreadLow + Vector512.Create(4);
        var pickLeft = PairedPick(channels);
        var pickRight = pickLeft + Vector512.Create(channels);

        var compact = Vector512.Create(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15);
        bool compacted = channels == 3 && !paired;

        // The pixels' offsets go through memory: eight loads are cheaper than eight lane extracts, which compete
        // for the two ports that run the 16-lane arithmetic. Two slots of eight: a group's and the next one's.
        int* at = stackalloc int[16];

        // The whole groups, a group ahead: each step computes the next group's offsets and weights before it loads
        // this group's taps, so the loads' addresses are known a group early instead of at the end of a chain of
        // double arithmetic, a store and eight reloads (which the core could not look far enough ahead to hide).
        // The same values, rounded the same way, as the loop below. It stops before the first group whose taps could
        // pass the image's end (nearEnd rows): the caller's narrower loops take the row from there.
        int groups = (wideEnd - c) >> 3;
        if (groups > 0)
        {
            var yy = Coordinates(cc, y0, vdy, out var iy);
            var xx = Coordinates(cc, x0, vdx, out var ix);
            var offsets = (iy * rowStride) + (ix * pixelStride);
            if (!(nearEnd && Vector512.GreaterThanAny(offsets, limit)))
            {
                var wy = Weights(yy, iy);
                var wx = Weights(xx, ix);
                Avx512F.ConvertToVector256Int32WithTruncation(offsets).Store(at);
                float* o = outRow + (c * channels);
                int slot = 0, done = 0;
                while (true)
                {
                    bool more = done + 1 < groups;
                    Vector512<float> wyNext = default, wxNext = default;
                    if (more)
                    {
                        cc += eight;
                        yy = Coordinates(cc, y0, vdy, out iy);
                        xx = Coordinates(cc, x0, vdx, out ix);
                        offsets = (iy * rowStride) + (ix * pixelStride);
                        more = !(nearEnd && Vector512.GreaterThanAny(offsets, limit));
                        wyNext = Weights(yy, iy);
                        wxNext = Weights(xx, ix);
                        Avx512F.ConvertToVector256Int32WithTruncation(offsets).Store(at + (slot ^ 8));
                    }

                    prefetch.Step();
                    BlendGroup<T>(src, at + slot, o, rs, channels, wy, wx, spreadLow, spreadHigh, pickLeft, pickRight, compact, compacted, false, default, default);
                    o += 8 * channels;
                    done++;
                    if (!more)
                    {
                        break;
                    }

                    slot ^= 8;
                    wy = wyNext;
                    wx = wxNext;
                }

                c += 8 * done;
                cc = Vector512.Create((double)c) + pixelLanes;
            }
        }

        // The rest, under a mask: the last group and what it leaves (a pixel at most).
        var laneIndex = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        while (c < end)
        {
            if (c + 8 <= wideEnd)
            {
                break; // a whole group: the loop above stopped at it, as its taps could pass the image's end
            }

            var yy = Coordinates(cc, y0, vdy, out var iy);
            var xx = Coordinates(cc, x0, vdx, out var ix);

            // Lanes past the interior (whose coordinates may lie anywhere) read pixel 0, and are not stored.
            int count = Math.Min(8, end - c);
            var offsets = Vector512.ConditionalSelect(Vector512.LessThan(pixelLanes, Vector512.Create((double)count)), (iy * rowStride) + (ix * pixelStride), Vector512<double>.Zero);
            if (nearEnd && Vector512.GreaterThanAny(offsets, limit))
            {
                break;
            }

            Avx512F.ConvertToVector256Int32WithTruncation(offsets).Store(at);
            prefetch.Step();
            var storeLow = Vector512.LessThan(laneIndex, Vector512.Create(Math.Min(count, 4) * channels)).AsSingle();
            var storeHigh = Vector512.LessThan(laneIndex, Vector512.Create(Math.Max(count - 4, 0) * channels)).AsSingle();
            BlendGroup<T>(src, at, outRow + (c * channels), rs, channels, Weights(yy, iy), Weights(xx, ix), spreadLow, spreadHigh, pickLeft, pickRight, compact, compacted, true, storeLow, storeHigh);
            c += count;
            cc += eight;
        }

        return c;
    }

    /// <summary>Eight pixels' coordinates <c>origin + c·step</c> (the scalar loop's doubles) and their floors (truncations: interior coordinates are non-negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Coordinates(Vector512<double> cc, Vector512<double> origin, Vector512<double> step, out Vector512<double> floor)
    {
        var v = origin + (cc * step);
        floor = Vector512.Truncate(v);
        return v;
    }

    /// <summary>The eight pixels' weights <c>(float)(v - ⌊v⌋)</c>, in the lower 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Weights(Vector512<double> v, Vector512<double> floor) =>
        Avx512F.ConvertToVector256Single(v - floor).ToVector512Unsafe();

    /// <summary>Eight pixels as two <see cref="BlendFour"/>/<see cref="BlendFourPaired"/>: all lanes, or (<paramref name="masked"/>) those set in the store masks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendGroup<T>(
        T* src, int* at, float* o, int rs, int channels, Vector512<float> wy, Vector512<float> wx, Vector512<int> spreadLow, Vector512<int> spreadHigh,
        Vector512<int> pickLeft, Vector512<int> pickRight, Vector512<int> compact, bool compacted, bool masked, Vector512<float> storeLow, Vector512<float> storeHigh)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            BlendFourPaired((float*)src, at, o, rs, Avx512F.PermuteVar16x32(wy, spreadLow), Avx512F.PermuteVar16x32(wx, spreadLow), pickLeft, pickRight, masked, storeLow);
            BlendFourPaired((float*)src, at + 4, o + (4 * channels), rs, Avx512F.PermuteVar16x32(wy, spreadHigh), Avx512F.PermuteVar16x32(wx, spreadHigh), pickLeft, pickRight, masked, storeHigh);
        }
        else
        {
            BlendFour(src, at, o, rs, channels, Avx512F.PermuteVar16x32(wy, spreadLow), Avx512F.PermuteVar16x32(wx, spreadLow), compact, compacted, masked, storeLow);
            BlendFour(src, at + 4, o + (4 * channels), rs, channels, Avx512F.PermuteVar16x32(wy, spreadHigh), Avx512F.PermuteVar16x32(wx, spreadHigh), compact, compacted, masked, storeHigh);
        }
    }

    /// <summary>
    /// Four pixels' <see cref="Taps.Blend"/> in one 16-lane vector (4-lane loads, pixel k at lanes 4k..4k+3, compacted
    /// to 3k..3k+2 for 3 channels); <paramref name="offsets"/> are their top-left taps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendFour<T>(T* src, int* offsets, float* o, int rs, int ps, Vector512<float> rowWeight, Vector512<float> colWeight, Vector512<int> compact, bool compacted, bool masked, Vector512<float> store)
        where T : unmanaged
    {
        T* p0 = src + offsets[0], p1 = src + offsets[1], p2 = src + offsets[2], p3 = src + offsets[3];
        var topLeft = Load4x4(p0, p1, p2, p3);
        var topRight = Load4x4(p0 + ps, p1 + ps, p2 + ps, p3 + ps);
        var bottomLeft = Load4x4(p0 + rs, p1 + rs, p2 + rs, p3 + rs);
        var bottomRight = Load4x4(p0 + rs + ps, p1 + rs + ps, p2 + rs + ps, p3 + rs + ps);
        var top = topLeft + (colWeight * (topRight - topLeft));
        var bottom = bottomLeft + (colWeight * (bottomRight - bottomLeft));
        var v = top + (rowWeight * (bottom - top));
        StoreLanes(o, compacted ? Avx512F.PermuteVar16x32(v, compact) : v, masked, store);
    }

    /// <summary>
    /// <see cref="BlendFour"/> for float32 with one 8-lane load per pixel and source row (its left and right taps
    /// together), sorted into the pixels' lanes by two-source permutes: half the loads, the same lanes and steps,
    /// and with 3 channels no compaction (the picks place pixel k at lanes 3k..3k+2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendFourPaired(
        float* src, int* offsets, float* o, int rs, Vector512<float> rowWeight, Vector512<float> colWeight, Vector512<int> pickLeft, Vector512<int> pickRight, bool masked, Vector512<float> store)
    {
        // Two pixels' pointers live at a time: with four (and their bottom rows) the JIT ran out of registers and
        // spilled them to the stack, in the loop that carries all the warp's work.
        nint stride = rs;
        float* p0 = src + offsets[0], p1 = src + offsets[1];
        var top01 = Load8x2(p0, p1);
        var bottom01 = Load8x2(p0 + stride, p1 + stride);
        p0 = src + offsets[2];
        p1 = src + offsets[3];
        var top23 = Load8x2(p0, p1);
        var bottom23 = Load8x2(p0 + stride, p1 + stride);
        StoreLanes(o, BlendPicked(top01, top23, bottom01, bottom23, pickLeft, pickRight, pickLeft, pickRight, rowWeight, colWeight), masked, store);
    }

    /// <summary>
    /// Four pixels' <see cref="Taps.Blend"/> from their paired loads (each pixel's 8 values of its top and of its
    /// bottom tap row), each tap taken from them by its pick (see <see cref="PairedPick"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> BlendPicked(
        Vector512<float> top01, Vector512<float> top23, Vector512<float> bottom01, Vector512<float> bottom23,
        Vector512<int> topLeft, Vector512<int> topRight, Vector512<int> bottomLeft, Vector512<int> bottomRight, Vector512<float> rowWeight, Vector512<float> colWeight)
    {
        var tl = Avx512F.PermuteVar16x32x2(top01, topLeft, top23);
        var tr = Avx512F.PermuteVar16x32x2(top01, topRight, top23);
        var bl = Avx512F.PermuteVar16x32x2(bottom01, bottomLeft, bottom23);
        var br = Avx512F.PermuteVar16x32x2(bottom01, bottomRight, bottom23);
        var top = tl + (colWeight * (tr - tl));
        var bottom = bl + (colWeight * (br - bl));
        return top + (rowWeight * (bottom - top));
    }

    /// <summary>All 16 lanes (a full group), or those set in <paramref name="store"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLanes(float* o, Vector512<float> v, bool masked, Vector512<float> store)
    {
        if (masked)
        {
            Avx512F.MaskStore(o, store, v);
        }
        else
        {
            v.Store(o);
        }
    }

    /// <summary>
    /// Lane j's pixel in a group of four laid out as the paired paths lay them out: pixel k owns lanes
    /// [k·channels, (k+1)·channels), and with 3 channels lanes 12-15 repeat pixel 3 (overwritten by the next group,
    /// or masked). Permuting per-pixel values (weights, offsets) by it spreads them over their pixel's lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> PairedSpread(int channels) => channels == 3
        ? Vector512.Create(0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3)
        : Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);

    /// <summary>
    /// For each lane of <see cref="PairedSpread"/>'s layout, the lane of two paired loads (pixel k's 8 values at lanes
    /// 8k..8k+7: pixels 0-1 in the first vector, 2-3 in the second) that holds its pixel's first tap and channel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> PairedPick(int channels) => channels == 3
        ? Vector512.Create(0, 1, 2, 8, 9, 10, 16, 17, 18, 24, 25, 26, 24, 25, 26, 24)
        : Vector512.Create(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);

    /// <summary>Eight floats at each of two addresses, as 16 lanes (built from the lower half, no old register value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load8x2(float* a, float* b) =>
        Avx512F.InsertVector256(Vector256.Load(a).ToVector512Unsafe(), Vector256.Load(b), 1);

    /// <summary>Four elements at each of four addresses, as 16 float32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load4x4<T>(T* a, T* b, T* c, T* d)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            // Built up from a 256-bit half (upper lanes undefined until the insert) rather than inserted into a
            // register's old value, which would chain each group's loads to the previous group's.
            var low = Vector256.Create(Vector128.Load((float*)a), Vector128.Load((float*)b)).ToVector512Unsafe();
            return Avx512F.InsertVector256(low, Vector256.Create(Vector128.Load((float*)c), Vector128.Load((float*)d)), 1);
        }

        var bytes = Vector128.Create(Unsafe.ReadUnaligned<uint>(a), Unsafe.ReadUnaligned<uint>(b), Unsafe.ReadUnaligned<uint>(c), Unsafe.ReadUnaligned<uint>(d)).AsByte();
        return Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(bytes));
    }
}
