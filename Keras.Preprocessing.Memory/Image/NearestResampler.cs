namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// PIL's NEAREST resize: an affine scale (<c>ImagingScaleAffine</c>) that samples the source
/// at each output pixel centre. The source position is accumulated in double step by step,
/// as PIL does, so the picked pixels agree even where the position lands on a boundary.
/// </summary>
internal static class NearestResampler
{
    public static byte[] Resize(
        ReadOnlySpan<byte> source, int width, int height, int channels,
        int outWidth, int outHeight, ResizeBox box)
    {
        double scaleX = (double)(box.Right - box.Left) / outWidth;
        double scaleY = (double)(box.Lower - box.Upper) / outHeight;

        // Pixels whose centre falls outside the source stay zero (PIL fills them with 0).
        Span<int> columns = outWidth <= 1024 ? stackalloc int[outWidth] : new int[outWidth];
        int xmin = outWidth, xmax = 0;
        double xo = box.Left + scaleX * 0.5;
        for (int x = 0; x < outWidth; x++)
        {
            int xin = Coord(xo);
            if (xin >= 0 && xin < width)
            {
                xmax = x + 1;
                xmin = Math.Min(xmin, x);
                columns[x] = xin * channels;
            }
            xo += scaleX;
        }

        var output = new byte[outWidth * outHeight * channels];
        int stride = width * channels;
        int outStride = outWidth * channels;
        double yo = box.Upper + scaleY * 0.5;
        for (int y = 0; y < outHeight; y++, yo += scaleY)
        {
            int yin = Coord(yo);
            if (yin < 0 || yin >= height)
            {
                continue;
            }
            ReadOnlySpan<byte> row = source.Slice(yin * stride, stride);
            Span<byte> outRow = output.AsSpan(y * outStride, outStride);
            switch (channels)
            {
                case 1:
                    for (int x = xmin; x < xmax; x++)
                    {
                        outRow[x] = row[columns[x]];
                    }
                    break;
                default:
                    for (int x = xmin; x < xmax; x++)
                    {
                        row.Slice(columns[x], channels).CopyTo(outRow.Slice(x * channels, channels));
                    }
                    break;
            }
        }
        return output;
    }

    /// <summary>PIL's COORD macro: negative positions map to -1, others truncate.</summary>
    private static int Coord(double v) => v < 0.0 ? -1 : (int)v;
}
