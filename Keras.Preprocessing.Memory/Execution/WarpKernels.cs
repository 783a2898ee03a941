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
/// interior path; the few near the border go through scipy's boundary rules (<see cref="Taps.Compute{TMode, TSampler}"/>).
/// Generic over the source element type, the channel count, the boundary mode (<see cref="IBoundaryMode"/>) and the
/// sampler (<see cref="IPointSampler"/>, the order) so the JIT emits one tight loop per combination.
/// </summary>
internal static unsafe partial class WarpKernels
{
    /// <summary>Warps rows [rowStart, rowEnd) of one image from <paramref name="src"/> into <paramref name="dst"/>.</summary>
    /// <remarks>
    /// The kernels are compiled fully optimized on first use (no tiering): they carry all the work, and the first
    /// batches of a run should not take the unoptimized, instrumented tiers.
    /// <c>wideVectors</c> says whether the AVX-512 paths may run where the CPU has them (tests turn them off to
    /// cover the narrower paths, which every other machine takes).
    /// Orders 2-5 go to <see cref="SplineWarp"/>, which prefilters the whole image.
    /// <c>prefetch</c>, when given, is the source prefetch of a caller that warps an image's rows in several calls
    /// (chunks, top-down): it carries on from the last call instead of starting afresh (orders 0 and 1 only).
    /// </remarks>
    public static void WarpRows<T>(
        T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, FillMode mode, float cval, int order, int rowStart, int rowEnd, bool wideVectors = true, SourcePrefetch* prefetch = null)
        where T : unmanaged
    {
        if (order >= 2 && grid.IsPixelAligned == 0)
        {
            SplineWarp.WarpRows(src, dst, g, grid, mode, cval, order, rowStart, rowEnd);
            return;
        }

        // A flip-only grid copies whole pixels whatever the order (Keras calls no affine_transform): any sampler does.
        var rows = new RowsOfMode<T>(src, dst, g, grid, cval, grid.IsPixelAligned != 0 ? 0 : order, rowStart, rowEnd, wideVectors, prefetch);
        BoundaryModes.Dispatch<RowsOfMode<T>, bool>(mode, ref rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WarpRows<T, TMode, TSampler>(
        T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, float cval, int rowStart, int rowEnd, bool wideVectors, SourcePrefetch* prefetch)
        where T : unmanaged
        where TMode : struct, IBoundaryMode
        where TSampler : struct, IPointSampler
    {
        if (g.IsChannelsFirst == 0)
        {
            switch (g.Channels)
            {
                case 1:
                    WarpRows<T, OneChannel, TMode, TSampler>(src, dst, g, grid, cval, rowStart, rowEnd, wideVectors, prefetch);
                    return;
                case 3:
                    WarpRows<T, ThreeChannels, TMode, TSampler>(src, dst, g, grid, cval, rowStart, rowEnd, wideVectors, prefetch);
                    return;
                case 4:
                    WarpRows<T, FourChannels, TMode, TSampler>(src, dst, g, grid, cval, rowStart, rowEnd, wideVectors, prefetch);
                    return;
            }
        }

        WarpRows<T, RuntimeChannels, TMode, TSampler>(src, dst, g, grid, cval, rowStart, rowEnd, wideVectors, prefetch);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WarpRows<T, TC, TMode, TSampler>(
        T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, float cval, int rowStart, int rowEnd, bool wideVectors, SourcePrefetch* prefetch)
        where T : unmanaged
        where TC : struct, IChannelCount
        where TMode : struct, IBoundaryMode
        where TSampler : struct, IPointSampler
    {
        SourcePrefetch own;
        if (prefetch is null)
        {
            own = new SourcePrefetch(g, grid, rowStart, rowEnd);
            own.Start(src);
            prefetch = &own;
        }

        for (int r = rowStart; r < rowEnd; r++)
        {
            prefetch->Advance(src, r);
            if (grid.IsPixelAligned != 0)
            {
                CopyRow<T, TC>(src, dst, g, grid, r);
            }
            else
            {
                WarpRow<T, TC, TMode, TSampler>(src, dst + ((long)r * g.RowStride), g, grid, cval, r, wideVectors, ref *prefetch);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WarpRow<T, TC, TMode, TSampler>(T* src, float* outRow, in ImageGeometry g, in SamplingGrid grid, float cval, int r, bool wideVectors, ref SourcePrefetch prefetch)
        where T : unmanaged
        where TC : struct, IChannelCount
        where TMode : struct, IBoundaryMode
        where TSampler : struct, IPointSampler
    {
        // A constant per instantiation: the JIT keeps only the interior loop of this sampler.
        bool linear = typeof(TSampler) == typeof(LinearSampler);
        int channels = TC.Resolve(g.Channels);
        int ps = g.PixelStride, rs = g.RowStride, cs = g.ChannelStride, cols = g.Cols;
        var exact = new ExactRow(grid, r);

        // The incremental form (warp and flips folded) finds the interior and drives the bilinear interior loops.
        double y = grid.Row0 + (r * grid.RowPerRow), x = grid.Col0 + (r * grid.ColPerRow);
        double dy = grid.RowPerCol, dx = grid.ColPerCol;
        InteriorSpan.Find(y, dy, g.Rows, x, dx, cols, out int c0, out int c1);
        c1 = Math.Max(c1, c0);
        // The interior must also sample where scipy samples inside [0, n-1] on both axes, where no mode folds or
        // fills: order 0 is not continuous anywhere (a tie picks a pixel), and at the span's ends a constant or wrap
        // edge is a jump too, so a pixel the incremental form puts an ulp inside must not be one scipy puts outside.
        // The exact coordinate is monotone along the row, so trimming the span's ends until they are inside makes
        // every pixel between them inside too (typically no step at all).
        while (c0 < c1 && !exact.IsInside(c0, g.Rows, cols))
        {
            c0++;
        }

        while (c1 > c0 && !exact.IsInside(c1 - 1, g.Rows, cols))
        {
            c1--;
        }

        // Pixels are written left to right: with 3 packed channels a 4-lane store spills into the next pixel,
        // which is written after it. Only the row's last pixel must not spill (into another row's pixel).
        bool packed = CanPackPixels<T, TC>(g);
        int spillLimit = channels == 4 ? cols : cols - 1;

        WarpEdgeRun<T, TC, TMode, TSampler>(src, outRow, g, grid, exact, cval, r, 0, c0, packed, spillLimit, wideVectors);

        // The interior loops are the samplers' math specialised to taps that are all inside the image (no mode
        // mapping, no cval): LinearSampler's Combine is Taps.Blend, which the packed (SPEED's) and scalar bilinear
        // loops below compute lane-wise from the incremental coordinate; NearestSampler's floor(x + 0.5) is the
        // truncation of x + 0.5 for the non-negative exact coordinate. Any other sampler uses its edge run throughout.
        int c = c0;
        if (!linear && typeof(TSampler) != typeof(NearestSampler))
        {
            c = c1;
            WarpEdgeRun<T, TC, TMode, TSampler>(src, outRow, g, grid, exact, cval, r, c0, c1, packed, spillLimit, wideVectors);
        }
        else if (packed)
        {
            c = linear
                ? WarpPackedBilinear(src, outRow, rs, channels, g.Size, y, dy, x, dx, c0, Math.Min(c1, spillLimit), Math.Min(c1, cols - (channels == 4 ? 0 : 2)), c1, wideVectors, ref prefetch)
                : WarpPackedNearest(src, outRow, rs, channels, g.Size, exact, c0, Math.Min(c1, spillLimit));
        }

        // The interior needs no boundary rule: every tap is in range, so Taps.Compute reduces to these steps.
        if (linear)
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
                int iy = (int)(exact.Y(c) + 0.5), ix = (int)(exact.X(c) + 0.5);
                T* p = src + ((long)iy * rs) + ((long)ix * ps);
                float* o = outRow + (c * ps);
                for (int ch = 0; ch < channels; ch++)
                {
                    o[ch * cs] = Load(p + (ch * cs));
                }
            }
        }

        WarpEdgeRun<T, TC, TMode, TSampler>(src, outRow, g, grid, exact, cval, r, c1, cols, packed, spillLimit, wideVectors);
    }

    /// <summary>
    /// Whether the packed path applies: channels_last pixels of 3 or 4 float32 or uint8 channels, which fit one
    /// 4-lane vector, so the channels of a pixel are blended together.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CanPackPixels<T, TC>(in ImageGeometry g)
        where T : unmanaged
        where TC : struct, IChannelCount =>
        Vector128.IsHardwareAccelerated
        && (typeof(T) == typeof(float) || typeof(T) == typeof(byte))
        && (typeof(TC) == typeof(ThreeChannels) || typeof(TC) == typeof(FourChannels))
        && g.IsChannelsFirst == 0;

    /// <summary>
    /// Output pixels [cStart, cEnd) of a row that need scipy's boundary rules, each through
    /// <see cref="Taps.Compute{TMode, TSampler}"/> at its exact coordinate and the sampler's
    /// <see cref="IPointSampler.Combine"/>. One call per run, not per pixel, keeps call overhead off rows that are
    /// mostly edge (small images); the mode and the sampler are types, so the JIT folds both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WarpEdgeRun<T, TC, TMode, TSampler>(
        T* src, float* outRow, in ImageGeometry g, in SamplingGrid grid, in ExactRow exact, float cval, int r, int cStart, int cEnd, bool packed, int spillLimit, bool wideVectors)
        where T : unmanaged
        where TC : struct, IChannelCount
        where TMode : struct, IBoundaryMode
        where TSampler : struct, IPointSampler
    {
        if (cStart < cEnd && HasVectorEdge<TMode, TSampler>(packed, wideVectors))
        {
            WarpEdgeRunAvx512<T, TC, TMode>(src, outRow, g, grid, exact, cval, r, cStart, cEnd, spillLimit);
        }
        else if (cStart < cEnd)
        {
            WarpEdgeRunCore<T, TC, TMode, TSampler>(src, outRow, g, exact, cval, cStart, cEnd, packed, spillLimit);
        }
    }

    /// <summary>The loop of <see cref="WarpEdgeRun{T, TC, TMode, TSampler}"/>: its own method per sampler, with its own inlining budget, so Taps.Compute folds into it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WarpEdgeRunCore<T, TC, TMode, TSampler>(
        T* src, float* outRow, in ImageGeometry g, in ExactRow exact, float cval, int cStart, int cEnd, bool packed, int spillLimit)
        where T : unmanaged
        where TC : struct, IChannelCount
        where TMode : struct, IBoundaryMode
        where TSampler : struct, IPointSampler
    {
        int channels = TC.Resolve(g.Channels);
        int cs = g.ChannelStride, ps = g.PixelStride, rs = g.RowStride;
        int lastLoad = g.Size - 4;
        var sampler = default(TSampler);
        bool linear = typeof(TSampler) == typeof(LinearSampler);
        for (int c = cStart; c < cEnd; c++)
        {
            float* o = outRow + (c * ps);
            var t = Taps.Compute<TMode, TSampler>(exact.Y(c), exact.X(c), g.Rows, g.Cols);
            if (t.IsOutside != 0)
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    o[ch * cs] = cval;
                }

                continue;
            }

            int row0 = t.Row0 * rs, row1 = t.Row1 * rs, col0 = t.Col0 * ps, col1 = t.Col1 * ps;
            if (!t.AllInside)
            {
                // grid-constant: a tap outside the image reads cval.
                for (int ch = 0; ch < channels; ch++)
                {
                    int k = ch * cs;
                    o[k] = sampler.Combine(
                        t.Row0 < 0 || t.Col0 < 0 ? cval : Load(src + row0 + col0 + k),
                        t.Row0 < 0 || t.Col1 < 0 ? cval : Load(src + row0 + col1 + k),
                        t.Row1 < 0 || t.Col0 < 0 ? cval : Load(src + row1 + col0 + k),
                        t.Row1 < 0 || t.Col1 < 0 ? cval : Load(src + row1 + col1 + k),
                        t.RowWeight,
                        t.ColWeight);
                }

                continue;
            }

            if (linear && packed && c < spillLimit && row1 + col1 <= lastLoad)
            {
                BlendCorners(src + row0 + col0, src + row0 + col1, src + row1 + col0, src + row1 + col1, o, t.RowWeight, t.ColWeight);
                continue;
            }

            for (int ch = 0; ch < channels; ch++)
            {
                int k = ch * cs;
                o[k] = sampler.Combine(Load(src + row0 + col0 + k), Load(src + row0 + col1 + k), Load(src + row1 + col0 + k), Load(src + row1 + col1 + k), t.RowWeight, t.ColWeight);
            }
        }
    }

    /// <summary>Picks the sampler for the boundary mode <see cref="BoundaryModes.Dispatch{TVisitor, TResult}"/> picks.</summary>
    private readonly struct RowsOfMode<T>(T* src, float* dst, ImageGeometry g, SamplingGrid grid, float cval, int order, int rowStart, int rowEnd, bool wideVectors, SourcePrefetch* prefetch)
        : IBoundaryModeVisitor<bool>
        where T : unmanaged
    {
        public bool Visit<TMode>()
            where TMode : struct, IBoundaryMode
        {
            var rows = new RowsOfSampler<T, TMode>(src, dst, g, grid, cval, rowStart, rowEnd, wideVectors, prefetch);
            return Samplers.DispatchPoint<RowsOfSampler<T, TMode>, bool>(order, ref rows);
        }
    }

    /// <summary>Runs <see cref="WarpRows{T, TMode, TSampler}"/> specialised for the sampler <see cref="Samplers.DispatchPoint{TVisitor, TResult}"/> picks.</summary>
    private readonly struct RowsOfSampler<T, TMode>(T* src, float* dst, ImageGeometry g, SamplingGrid grid, float cval, int rowStart, int rowEnd, bool wideVectors, SourcePrefetch* prefetch)
        : IPointSamplerVisitor<bool>
        where T : unmanaged
        where TMode : struct, IBoundaryMode
    {
        public bool Visit<TSampler>()
            where TSampler : struct, IPointSampler
        {
            WarpRows<T, TMode, TSampler>(src, dst, g, grid, cval, rowStart, rowEnd, wideVectors, prefetch);
            return true;
        }
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
