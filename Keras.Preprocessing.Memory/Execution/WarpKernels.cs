using System.Runtime.CompilerServices;
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
    /// <summary>Warps rows [rowStart, rowEnd) of one image from <paramref name="src"/> into <paramref name="dst"/>.</summary>
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

    private static void WarpRows<T, TC>(
        T* src, float* dst, in ImageGeometry g, in SamplingGrid grid, FillMode mode, float cval, int order, int rowStart, int rowEnd)
        where T : unmanaged
        where TC : struct, IChannelCount
    {
        for (int r = rowStart; r < rowEnd; r++)
        {
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

    private static void WarpRow<T, TC>(T* src, float* outRow, in ImageGeometry g, in SamplingGrid grid, FillMode mode, float cval, int order, int r)
        where T : unmanaged
        where TC : struct, IChannelCount
    {
        int channels = TC.Resolve(g.Channels);
        int ps = g.PixelStride, rs = g.RowStride, cs = g.ChannelStride, cols = g.Cols;
        double y = grid.Row0 + (r * grid.RowPerRow), x = grid.Col0 + (r * grid.ColPerRow);
        double dy = grid.RowPerCol, dx = grid.ColPerCol;
        InteriorSpan(y, dy, g.Rows, x, dx, cols, out int c0, out int c1);

        for (int c = 0; c < c0; c++)
        {
            EdgePixel<T, TC>(src, outRow + (c * ps), g, y + (c * dy), x + (c * dx), mode, cval, order);
        }

        if (order == 1)
        {
            for (int c = c0; c < c1; c++)
            {
                double yy = y + (c * dy), xx = x + (c * dx);
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
            for (int c = c0; c < c1; c++)
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

        for (int c = Math.Max(c1, c0); c < cols; c++)
        {
            EdgePixel<T, TC>(src, outRow + (c * ps), g, y + (c * dy), x + (c * dx), mode, cval, order);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EdgePixel<T, TC>(T* src, float* o, in ImageGeometry g, double row, double col, FillMode mode, float cval, int order)
        where T : unmanaged
        where TC : struct, IChannelCount
    {
        int channels = TC.Resolve(g.Channels);
        int cs = g.ChannelStride;
        var t = Taps.Compute(row, col, g.Rows, g.Cols, mode, order);
        if (t.IsOutside != 0)
        {
            for (int ch = 0; ch < channels; ch++)
            {
                o[ch * cs] = cval;
            }

            return;
        }

        T* p00 = src + ((long)t.Row0 * g.RowStride) + ((long)t.Col0 * g.PixelStride);
        T* p01 = src + ((long)t.Row0 * g.RowStride) + ((long)t.Col1 * g.PixelStride);
        T* p10 = src + ((long)t.Row1 * g.RowStride) + ((long)t.Col0 * g.PixelStride);
        T* p11 = src + ((long)t.Row1 * g.RowStride) + ((long)t.Col1 * g.PixelStride);
        for (int ch = 0; ch < channels; ch++)
        {
            int k = ch * cs;
            o[k] = Taps.Blend(Load(p00 + k), Load(p01 + k), Load(p10 + k), Load(p11 + k), t.RowWeight, t.ColWeight);
        }
    }

    /// <summary>No warp, only flips: each output pixel is a whole input pixel.</summary>
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

        static bool Inside(double yy, double ylimit, double xx, double xlimit) => yy >= 0 && yy < ylimit && xx >= 0 && xx < xlimit;

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
