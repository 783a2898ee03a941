using System.Buffers;
using System.Numerics;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// PIL's two-pass separable resampler (<c>ImagingResampleInner</c>, 8 bits per channel):
/// a horizontal pass over just the rows the vertical pass will read, rounded to bytes,
/// then a vertical pass. Integer accumulation with 22-bit weights and PIL's rounding bias
/// makes the output identical to Pillow's.
/// </summary>
internal static class ConvolutionResampler
{
    private const int Bits = ResampleCoefficients.PrecisionBits;
    private const int RoundingBias = 1 << (Bits - 1);

    public static byte[] Resize(
        ReadOnlySpan<byte> source, int width, int height, int channels,
        int outWidth, int outHeight, ResampleFilter filter, ResizeBox box)
    {
        bool needHorizontal = outWidth != width || box.Left != 0 || box.Right != outWidth;
        bool needVertical = outHeight != height || box.Upper != 0 || box.Lower != outHeight;

        var horizontal = ResampleCoefficients.Compute(width, box.Left, box.Right, outWidth, filter);
        var vertical = ResampleCoefficients.Compute(height, box.Upper, box.Lower, outHeight, filter);

        if (!needHorizontal && !needVertical)
        {
            return source.ToArray();
        }
        if (!needHorizontal)
        {
            var output = GC.AllocateUninitializedArray<byte>(outWidth * outHeight * channels);
            ResampleVertical(source, width * channels, vertical, rowOffset: 0, output);
            return output;
        }

        // Only the rows the vertical taps touch go through the horizontal pass.
        int firstRow = vertical.First(0);
        int lastRow = vertical.First(outHeight - 1) + vertical.Count(outHeight - 1);
        int tempRows = lastRow - firstRow;
        int tempStride = outWidth * channels;

        if (!needVertical)
        {
            var output = GC.AllocateUninitializedArray<byte>(tempStride * tempRows);
            ResampleHorizontal(source, width * channels, channels, horizontal, firstRow, tempRows, output);
            return output;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(tempStride * tempRows);
        try
        {
            Span<byte> temp = rented.AsSpan(0, tempStride * tempRows);
            ResampleHorizontal(source, width * channels, channels, horizontal, firstRow, tempRows, temp);
            var output = GC.AllocateUninitializedArray<byte>(tempStride * outHeight);
            ResampleVertical(temp, tempStride, vertical, rowOffset: firstRow, output);
            return output;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void ResampleHorizontal(
        ReadOnlySpan<byte> source, int sourceStride, int channels, ResampleCoefficients k,
        int firstRow, int rows, Span<byte> output)
    {
        int outWidth = k.Bounds.Length / 2;
        int outStride = outWidth * channels;
        for (int y = 0; y < rows; y++)
        {
            ReadOnlySpan<byte> row = source.Slice((y + firstRow) * sourceStride, sourceStride);
            Span<byte> outRow = output.Slice(y * outStride, outStride);
            switch (channels)
            {
                case 1:
                    HorizontalRow1(row, k, outRow);
                    break;
                case 3:
                    HorizontalRow3(row, k, outRow);
                    break;
                default:
                    HorizontalRowN(row, channels, k, outRow);
                    break;
            }
        }
    }

    private static void HorizontalRow1(ReadOnlySpan<byte> row, ResampleCoefficients k, Span<byte> outRow)
    {
        for (int xx = 0; xx < outRow.Length; xx++)
        {
            ReadOnlySpan<int> taps = k.Taps(xx);
            ReadOnlySpan<byte> src = row.Slice(k.First(xx), taps.Length);
            int ss = RoundingBias;
            for (int t = 0; t < taps.Length; t++)
            {
                ss += src[t] * taps[t];
            }
            outRow[xx] = Clip8(ss);
        }
    }

    private static void HorizontalRow3(ReadOnlySpan<byte> row, ResampleCoefficients k, Span<byte> outRow)
    {
        int outWidth = outRow.Length / 3;
        for (int xx = 0; xx < outWidth; xx++)
        {
            ReadOnlySpan<int> taps = k.Taps(xx);
            ReadOnlySpan<byte> src = row.Slice(k.First(xx) * 3, taps.Length * 3);
            int s0 = RoundingBias, s1 = RoundingBias, s2 = RoundingBias;
            for (int t = 0, i = 0; t < taps.Length; t++, i += 3)
            {
                int w = taps[t];
                s0 += src[i] * w;
                s1 += src[i + 1] * w;
                s2 += src[i + 2] * w;
            }
            int o = xx * 3;
            outRow[o] = Clip8(s0);
            outRow[o + 1] = Clip8(s1);
            outRow[o + 2] = Clip8(s2);
        }
    }

    private static void HorizontalRowN(ReadOnlySpan<byte> row, int channels, ResampleCoefficients k, Span<byte> outRow)
    {
        Span<int> sums = stackalloc int[channels];
        int outWidth = outRow.Length / channels;
        for (int xx = 0; xx < outWidth; xx++)
        {
            ReadOnlySpan<int> taps = k.Taps(xx);
            ReadOnlySpan<byte> src = row.Slice(k.First(xx) * channels, taps.Length * channels);
            sums.Fill(RoundingBias);
            for (int t = 0, i = 0; t < taps.Length; t++, i += channels)
            {
                int w = taps[t];
                for (int c = 0; c < channels; c++)
                {
                    sums[c] += src[i + c] * w;
                }
            }
            Span<byte> dst = outRow.Slice(xx * channels, channels);
            for (int c = 0; c < channels; c++)
            {
                dst[c] = Clip8(sums[c]);
            }
        }
    }

    /// <summary>
    /// Row-at-a-time vertical pass: each output row accumulates whole input rows,
    /// which keeps the inner loop contiguous.
    /// </summary>
    private static void ResampleVertical(
        ReadOnlySpan<byte> source, int stride, ResampleCoefficients k, int rowOffset, Span<byte> output)
    {
        int outHeight = k.Bounds.Length / 2;
        int[] rented = ArrayPool<int>.Shared.Rent(stride);
        try
        {
            Span<int> acc = rented.AsSpan(0, stride);
            for (int yy = 0; yy < outHeight; yy++)
            {
                acc.Fill(RoundingBias);
                ReadOnlySpan<int> taps = k.Taps(yy);
                int first = k.First(yy) - rowOffset;
                for (int t = 0; t < taps.Length; t++)
                {
                    int w = taps[t];
                    MultiplyAdd(source.Slice((first + t) * stride, stride), w, acc);
                }
                Span<byte> outRow = output.Slice(yy * stride, stride);
                for (int i = 0; i < outRow.Length; i++)
                {
                    outRow[i] = Clip8(acc[i]);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>acc[i] += row[i] * weight, widened byte to int with SIMD where available.</summary>
    private static void MultiplyAdd(ReadOnlySpan<byte> row, int weight, Span<int> acc)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<int>(weight);
            int lanes = Vector<int>.Count;
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(row[i..]), out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> q0, out Vector<uint> q1);
                Vector.Widen(high, out Vector<uint> q2, out Vector<uint> q3);
                Accumulate(acc.Slice(i, lanes), Vector.AsVectorInt32(q0), w);
                Accumulate(acc.Slice(i + lanes, lanes), Vector.AsVectorInt32(q1), w);
                Accumulate(acc.Slice(i + 2 * lanes, lanes), Vector.AsVectorInt32(q2), w);
                Accumulate(acc.Slice(i + 3 * lanes, lanes), Vector.AsVectorInt32(q3), w);
            }
        }
        for (; i < row.Length; i++)
        {
            acc[i] += row[i] * weight;
        }
    }

    private static void Accumulate(Span<int> acc, Vector<int> samples, Vector<int> weight) =>
        (new Vector<int>(acc) + samples * weight).CopyTo(acc);

    private static byte Clip8(int value)
    {
        if (value >= (1 << Bits << 8))
        {
            return 255;
        }
        return value <= 0 ? (byte)0 : (byte)(value >> Bits);
    }
}
