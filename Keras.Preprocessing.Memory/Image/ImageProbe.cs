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

        unsafe
        {
            fixed (byte* p = header)
            {
                using var data = SKData.Create((nint)p, header.Length);
                using var codec = SKCodec.Create(data);
                if (codec is null)
                {
                    return "not a readable PNG, JPEG, BMP, GIF or WebP image";
                }

                try
                {
                    PixelLimit.Check(codec.Info.Width, codec.Info.Height, source);
                }
                catch (DecompressionBombException e)
                {
                    return e.Message;
                }
            }
        }

        return null;
    }

    /// <summary>Reads enough of a file for <see cref="Problem(ReadOnlySpan{byte}, string)"/> (headers sit in the first few KB).</summary>
    public static string? FileProblem(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var header = new byte[(int)Math.Min(stream.Length, 64 * 1024)];
            stream.ReadExactly(header);
            return Problem(header, path);
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
