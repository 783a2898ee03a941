using System.Buffers.Binary;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Writes uncompressed BMP the way PIL's BmpImagePlugin does (Skia has no BMP encoder):
/// L as 8-bit with a grey palette, RGB as 24-bit BGR, RGBA as 32-bit BGRA; bottom-up rows
/// padded to 4 bytes, 96 dpi.
/// </summary>
internal static class BmpWriter
{
    private const int FileHeaderSize = 14;
    private const int InfoHeaderSize = 40;
    private const int PixelsPerMetre = 3780; // 96 dpi, as PIL writes by default

    public static byte[] Encode(KerasImage image)
    {
        int channels = image.channels;
        int bitsPerPixel = channels * 8;
        int paletteSize = channels == 1 ? 256 * 4 : 0;
        int stride = (image.width * channels + 3) & ~3;
        int offset = FileHeaderSize + InfoHeaderSize + paletteSize;
        long total = offset + (long)stride * image.height;
        if (total > int.MaxValue)
        {
            throw new ArgumentException("image too large for BMP", nameof(image));
        }
        var file = new byte[total];
        Span<byte> span = file;

        span[0] = (byte)'B';
        span[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(span[2..], (int)total);
        BinaryPrimitives.WriteInt32LittleEndian(span[10..], offset);

        Span<byte> info = span.Slice(FileHeaderSize, InfoHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(info, InfoHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], image.width);
        BinaryPrimitives.WriteInt32LittleEndian(info[8..], image.height);
        BinaryPrimitives.WriteInt16LittleEndian(info[12..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(info[14..], (short)bitsPerPixel);
        BinaryPrimitives.WriteInt32LittleEndian(info[20..], stride * image.height);
        BinaryPrimitives.WriteInt32LittleEndian(info[24..], PixelsPerMetre);
        BinaryPrimitives.WriteInt32LittleEndian(info[28..], PixelsPerMetre);
        BinaryPrimitives.WriteInt32LittleEndian(info[32..], channels == 1 ? 256 : 0);
        BinaryPrimitives.WriteInt32LittleEndian(info[36..], channels == 1 ? 256 : 0);

        Span<byte> palette = span.Slice(FileHeaderSize + InfoHeaderSize, paletteSize);
        for (int i = 0; i < paletteSize / 4; i++)
        {
            palette[4 * i] = palette[4 * i + 1] = palette[4 * i + 2] = (byte)i;
        }

        ReadOnlySpan<byte> pixels = image.pixels;
        int rowBytes = image.width * channels;
        for (int y = 0; y < image.height; y++)
        {
            ReadOnlySpan<byte> src = pixels.Slice(y * rowBytes, rowBytes);
            Span<byte> dst = span.Slice(offset + (image.height - 1 - y) * stride, rowBytes);
            if (channels == 1)
            {
                src.CopyTo(dst);
                continue;
            }
            for (int i = 0; i < rowBytes; i += channels)
            {
                // BMP stores blue first.
                dst[i] = src[i + 2];
                dst[i + 1] = src[i + 1];
                dst[i + 2] = src[i];
                if (channels == 4)
                {
                    dst[i + 3] = src[i + 3];
                }
            }
        }
        return file;
    }
}
