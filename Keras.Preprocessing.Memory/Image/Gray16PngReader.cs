using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Reads 16-bit greyscale PNGs the way PIL 9.4 ends up presenting them to Keras: PIL opens them
/// as 32-bit integer images (mode "I") and <c>convert</c> clips each sample to [0, 255] rather
/// than scaling it. Skia reduces these files to 8 bits (v >> 8) before any output format, so the
/// samples are read here: IDAT inflated with zlib, rows unfiltered, Adam7 handled.
/// </summary>
internal static class Gray16PngReader
{
    private const int BytesPerPixel = 2;

    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
    [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ];

    /// <summary>Decodes into <paramref name="gray"/> (width * height bytes), clipping as PIL's I to L conversion.</summary>
    public static void Decode(ReadOnlySpan<byte> png, Span<byte> gray, int width, int height, string source)
    {
        bool interlaced = png[28] == 1; // IHDR interlace method, right after colour type, compression, filter
        using var compressed = new MemoryStream();
        for (int pos = 8; pos + 8 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png[pos..]);
            ReadOnlySpan<byte> type = png.Slice(pos + 4, 4);
            if (length < 0 || pos + 12L + length > png.Length)
            {
                throw new ImageDecodeException($"image file is truncated: '{source}'", source);
            }
            if (type.SequenceEqual("IDAT"u8))
            {
                compressed.Write(png.Slice(pos + 8, length));
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
            pos += 12 + length;
        }

        long rawLength = interlaced ? Adam7Length(width, height) : (long)height * (1 + width * BytesPerPixel);
        if (rawLength > Array.MaxLength)
        {
            throw new ImageDecodeException($"image file '{source}' is too large to hold in memory ({width}x{height})", source);
        }
        byte[] raw = ArrayPool<byte>.Shared.Rent((int)rawLength);
        try
        {
            compressed.Position = 0;
            using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
            {
                int read;
                try
                {
                    read = zlib.ReadAtLeast(raw.AsSpan(0, (int)rawLength), (int)rawLength, throwOnEndOfStream: false);
                }
                catch (InvalidDataException e)
                {
                    throw new ImageDecodeException($"image file is corrupt: '{source}' ({e.Message})", source);
                }
                if (read < rawLength)
                {
                    throw new ImageDecodeException($"image file is truncated: '{source}'", source);
                }
            }

            Span<byte> data = raw.AsSpan(0, (int)rawLength);
            if (!interlaced)
            {
                Unfilter(data, width, height, source);
                Scatter(data, width, height, gray, width, 0, 0, 1, 1);
                return;
            }
            foreach (var pass in Adam7)
            {
                int passWidth = (width - pass.X + pass.Dx - 1) / pass.Dx;
                int passHeight = (height - pass.Y + pass.Dy - 1) / pass.Dy;
                if (passWidth <= 0 || passHeight <= 0)
                {
                    continue;
                }
                int passLength = passHeight * (1 + passWidth * BytesPerPixel);
                Span<byte> passData = data[..passLength];
                Unfilter(passData, passWidth, passHeight, source);
                Scatter(passData, passWidth, passHeight, gray, width, pass.X, pass.Y, pass.Dx, pass.Dy);
                data = data[passLength..];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    private static long Adam7Length(int width, int height)
    {
        long total = 0;
        foreach (var pass in Adam7)
        {
            long passWidth = (width - pass.X + pass.Dx - 1) / pass.Dx;
            long passHeight = (height - pass.Y + pass.Dy - 1) / pass.Dy;
            if (passWidth > 0 && passHeight > 0)
            {
                total += passHeight * (1 + passWidth * BytesPerPixel);
            }
        }
        return total;
    }

    /// <summary>Undoes the per-row PNG filters in place (each row is a filter byte plus samples).</summary>
    private static void Unfilter(Span<byte> data, int width, int height, string source)
    {
        int stride = 1 + width * BytesPerPixel;
        Span<byte> previous = default;
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = data.Slice(y * stride + 1, stride - 1);
            byte filter = data[y * stride];
            for (int i = 0; i < row.Length; i++)
            {
                int left = i >= BytesPerPixel ? row[i - BytesPerPixel] : 0;
                int up = previous.IsEmpty ? 0 : previous[i];
                int upLeft = previous.IsEmpty || i < BytesPerPixel ? 0 : previous[i - BytesPerPixel];
                row[i] += filter switch
                {
                    0 => 0,
                    1 => (byte)left,
                    2 => (byte)up,
                    3 => (byte)((left + up) >> 1),
                    4 => (byte)Paeth(left, up, upLeft),
                    _ => throw new ImageDecodeException($"image file is corrupt: '{source}' (PNG filter type {filter})", source),
                };
            }
            previous = row;
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void Scatter(
        ReadOnlySpan<byte> data, int passWidth, int passHeight, Span<byte> gray, int width, int x0, int y0, int dx, int dy)
    {
        int stride = 1 + passWidth * BytesPerPixel;
        for (int y = 0; y < passHeight; y++)
        {
            ReadOnlySpan<byte> row = data.Slice(y * stride + 1, stride - 1);
            Span<byte> outRow = gray.Slice((y0 + y * dy) * width, width);
            for (int x = 0; x < passWidth; x++)
            {
                int sample = (row[2 * x] << 8) | row[2 * x + 1];
                outRow[x0 + x * dx] = (byte)Math.Min(sample, 255);
            }
        }
    }
}
