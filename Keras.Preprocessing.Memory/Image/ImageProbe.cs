using SkiaSharp;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Reads an encoded image's header only (format and size), so that file validation can refuse empty, unknown
/// or oversized images without decoding their pixels.
/// </summary>
internal static class ImageProbe
{
    /// <summary>Null when the header is readable and within the pixel limit, else why not.</summary>
    public static string? Problem(ReadOnlySpan<byte> header, string source)
    {
        if (header.IsEmpty)
        {
            return "the file is empty (0 bytes)";
        }

        if (TiffDecoder.IsTiff(header) || NetpbmCodec.IsNetpbm(header))
        {
            bool tiff = TiffDecoder.IsTiff(header);
            int width, height;
            bool read = tiff ? TiffDecoder.TryReadSize(header, out width, out height) : NetpbmCodec.TryReadSize(header, out width, out height);
            if (!read)
            {
                return tiff ? "not a readable TIFF image" : "not a readable PPM/PGM/PBM image";
            }
            return LimitProblem(width, height, source);
        }

        unsafe
        {
            fixed (byte* p = header)
            {
                using var data = SKData.Create((nint)p, header.Length);
                using var codec = SKCodec.Create(data);
                if (codec is null)
                {
                    return "not a readable PNG, JPEG, BMP, GIF, WebP, TIFF or PPM image";
                }
                return LimitProblem(codec.Info.Width, codec.Info.Height, source);
            }
        }
    }

    private static string? LimitProblem(int width, int height, string source)
    {
        try
        {
            PixelLimit.Check(width, height, source);
            return null;
        }
        catch (DecompressionBombException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// TIFF writers (libtiff among them) often put the IFD, which holds the size, after the pixel data:
    /// then it is read from where the header points and placed straight after a copy of the header.
    /// </summary>
    private static byte[] TiffIfdInFront(FileStream stream, byte[] header)
    {
        if (!TiffDecoder.IsTiff(header) || TiffDecoder.TryReadSize(header, out _, out _))
        {
            return header;
        }
        long offset = TiffDecoder.FirstIfdOffset(header);
        if (offset + 2 > stream.Length)
        {
            return header;
        }
        // Room for 4096 entries covers any real IFD; width and height are never stored out of line.
        var ifd = new byte[(int)Math.Min(stream.Length - offset, 2 + (4096 * 12))];
        stream.Position = offset;
        stream.ReadExactly(ifd);
        var moved = new byte[8 + ifd.Length];
        header.AsSpan(0, 8).CopyTo(moved);
        ifd.CopyTo(moved, 8);
        if (header[0] == 'I')
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(moved.AsSpan(4), 8);
        }
        else
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(moved.AsSpan(4), 8);
        }
        return moved;
    }

    /// <summary>Reads enough of a file for <see cref="Problem(ReadOnlySpan{byte}, string)"/> (headers sit in the first few KB).</summary>
    public static string? FileProblem(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var header = new byte[(int)Math.Min(stream.Length, 64 * 1024)];
            stream.ReadExactly(header);
            return Problem(TiffIfdInFront(stream, header), path);
        }
        catch (IOException e)
        {
            return e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            return e.Message;
        }
    }
}
