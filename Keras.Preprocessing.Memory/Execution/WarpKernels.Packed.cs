using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>The packed paths of the warp: all channels of a pixel in one 4-lane vector (SSE/AVX).</summary>
internal static unsafe partial class WarpKernels
{
    /// <summary>
    /// Bilinear interior pixels from <paramref name="c0"/> up to <paramref name="end"/>, all channels of a pixel in
    /// one 4-lane vector. Same coordinates, weights and <see cref="Taps.Blend"/> steps as the scalar loop, lane-wise
    /// and without fused multiply-adds, so every value rounds exactly as there. With AVX the coordinates of four
    /// pixels are computed together (the same double products and sums, truncations and float roundings).
    /// With 3 channels the fourth lane reads the next source pixel's first value (discarded); a pixel whose
    /// bottom-right read would pass the image's end stops the loop, and the caller's scalar loop goes on from the
    /// returned column. With AVX-512 the pixels up to <paramref name="interiorEnd"/> are done under a mask, so the
    /// returned column may lie beyond <paramref name="end"/>. Each group of pixels also issues a few of
    /// <paramref name="prefetch"/>'s paced requests.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WarpPackedBilinear<T>(
        T* src, float* outRow, int rs, int channels, int imageSize, double y, double dy, double x, double dx, int c0, int end, int wideEnd, int interiorEnd, bool wideVectors, ref SourcePrefetch prefetch)
        where T : unmanaged
    {
        // Highest element offset of a pixel's top-left tap whose bottom-right 4-lane load stays in the image.
        int lastTopLeft = imageSize - 4 - rs - channels;
        int c = c0;
        if (wideVectors && Avx512F.IsSupported && c < interiorEnd)
        {
            // Only a pixel whose bottom taps lie on the image's last row can read past its end. The coordinate is
            // monotone along the row, so the span's ends bound it: rows whose interior stays above skip the check.
            double highest = Math.Max(y + (c * dy), y + ((interiorEnd - 1) * dy));
            bool nearEnd = !(highest < (imageSize / rs) - 3);
            c = WarpPackedBilinearAvx512(src, outRow, rs, channels, lastTopLeft, y, dy, x, dx, c, interiorEnd, wideEnd, nearEnd, ref prefetch);
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

                prefetch.Step();

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

    /// <summary>
    /// Nearest-neighbour interior pixels, a pixel's channels copied as one 4-lane vector (see <see cref="WarpPackedBilinear"/>).
    /// Coordinates are scipy's exact ones (<see cref="ExactRow"/>), which the caller has checked lie inside the image,
    /// so floor(x + 0.5) picks scipy's pixel even on a rounding tie.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WarpPackedNearest<T>(T* src, float* outRow, int rs, int channels, int imageSize, in ExactRow exact, int c0, int end)
        where T : unmanaged
    {
        int lastLoad = imageSize - 4;
        int c = c0;
        for (; c < end; c++)
        {
            int offset = ((int)(exact.Y(c) + 0.5) * rs) + ((int)(exact.X(c) + 0.5) * channels);
            if (offset > lastLoad)
            {
                break;
            }

            Load4(src + offset).Store(outRow + (c * channels));
        }

        return c;
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
}
