using System.Text;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Reads and writes Netpbm images (PBM P1/P4, PGM P2/P5, PPM P3/P6) as Pillow's PpmImagePlugin does,
/// since Skia has no codec for them and Keras 1.1.0 lists ppm among its image formats.
/// </summary>
internal static class NetpbmCodec
{
    /// <summary>True when the bytes start with a Netpbm magic Pillow accepts (P1..P6).</summary>
    public static bool IsNetpbm(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == (byte)'P' && data[1] is >= (byte)'1' and <= (byte)'6';

    /// <summary>Reads width and height from the header; false when it is not a readable Netpbm header.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (!IsNetpbm(data))
        {
            return false;
        }
        int pos = 2;
        return TryReadToken(data, ref pos, out width) && TryReadToken(data, ref pos, out height);
    }

    /// <summary>Decodes to <paramref name="target"/>, reproducing <c>Image.open(f).convert(mode)</c>.</summary>
    public static KerasImage Decode(ReadOnlySpan<byte> data, string source, ImageMode target)
    {
        char kind = (char)data[1];
        int pos = 2;
        if (!TryReadToken(data, ref pos, out int width) || !TryReadToken(data, ref pos, out int height) || width <= 0 || height <= 0)
        {
            throw new ImageDecodeException($"cannot identify image file '{source}': bad PPM header", source);
        }
        PixelLimit.Check(width, height, source);
        bool bitmap = kind is '1' or '4';
        int maxval = 1;
        if (!bitmap && (!TryReadToken(data, ref pos, out maxval) || maxval is <= 0 or >= 65536))
        {
            throw new ImageDecodeException($"cannot identify image file '{source}': PPM maxval must be between 1 and 65535", source);
        }
        int bands = kind is '3' or '6' ? 3 : 1;
        if ((long)width * height * 4 > Array.MaxLength)
        {
            throw new ImageDecodeException($"image file '{source}' is too large to hold in memory ({width}x{height})", source);
        }
        // Exactly one whitespace byte ends the header of the binary variants.
        pos++;
        byte[] native = new byte[width * height * bands];
        switch (kind)
        {
            case '4':
                ReadRawBits(data, pos, width, height, native, source);
                break;
            case '1':
                ReadPlainBits(data, pos, native, source);
                break;
            case '2' or '3':
                ReadPlainSamples(data, pos, maxval, native, source);
                break;
            default:
                ReadRawSamples(data, pos, maxval, native, source);
                break;
        }
        ImageMode mode = bands == 3 ? ImageMode.RGB : ImageMode.L;
        return new KerasImage(PixelConversions.Convert(native, mode, target), width, height, target);
    }

    /// <summary>
    /// Pillow's <c>_save</c>: P5 for L, P6 for RGB and RGBA (alpha dropped), a "\n"-separated header
    /// and maxval 255.
    /// </summary>
    public static byte[] Encode(KerasImage image)
    {
        bool gray = image.Mode == ImageMode.L;
        byte[] header = Encoding.ASCII.GetBytes($"{(gray ? "P5" : "P6")}\n{image.width} {image.height}\n255\n");
        int bands = gray ? 1 : 3;
        byte[] file = new byte[header.Length + (image.width * image.height * bands)];
        header.CopyTo(file, 0);
        Span<byte> body = file.AsSpan(header.Length);
        if (image.Mode == ImageMode.RGBA)
        {
            PixelConversions.Convert(image.pixels, ImageMode.RGBA, body, ImageMode.RGB);
        }
        else
        {
            image.pixels.AsSpan(0, body.Length).CopyTo(body);
        }
        return file;
    }

    /// <summary>Pillow scales samples to 8 bits with Python's round() (half to even) unless maxval is 255.</summary>
    private static byte Scale(int value, int maxval)
    {
        if (maxval == 255)
        {
            return (byte)value;
        }
        if (maxval > 255)
        {
            // Pillow opens these PGMs as 32-bit "I" holding value scaled to 16 bits (65535 kept raw);
            // its conversion to 8 bits then clips rather than scales.
            int wide = maxval == 65535 ? value : (int)Math.Min(65535, Math.Round(value / (double)maxval * 65535, MidpointRounding.ToEven));
            return (byte)Math.Min(255, wide);
        }
        // Raw samples above maxval are clipped, as Pillow's PpmDecoder does.
        return (byte)Math.Min(255, Math.Round(value / (double)maxval * 255, MidpointRounding.ToEven));
    }

    private static void ReadRawSamples(ReadOnlySpan<byte> data, int pos, int maxval, byte[] native, string source)
    {
        int width = maxval < 256 ? 1 : 2;
        if (pos + ((long)native.Length * width) > data.Length)
        {
            throw new ImageDecodeException($"image file is truncated: '{source}'", source);
        }
        for (int i = 0; i < native.Length; i++)
        {
            int value = width == 1 ? data[pos + i] : (data[pos + (2 * i)] << 8) | data[pos + (2 * i) + 1];
            native[i] = Scale(value, maxval);
        }
    }

    private static void ReadPlainSamples(ReadOnlySpan<byte> data, int pos, int maxval, byte[] native, string source)
    {
        for (int i = 0; i < native.Length; i++)
        {
            if (!TryReadToken(data, ref pos, out int value))
            {
                throw new ImageDecodeException($"image file is truncated: '{source}'", source);
            }
            if (value > maxval)
            {
                throw new ImageDecodeException($"image file is corrupt: '{source}' (sample {value} above maxval {maxval})", source);
            }
            native[i] = Scale(value, maxval);
        }
    }

    /// <summary>P4: rows of bits padded to a byte, 1 meaning black.</summary>
    private static void ReadRawBits(ReadOnlySpan<byte> data, int pos, int width, int height, byte[] native, string source)
    {
        int stride = (width + 7) / 8;
        if (pos + ((long)stride * height) > data.Length)
        {
            throw new ImageDecodeException($"image file is truncated: '{source}'", source);
        }
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool black = (data[pos + (y * stride) + (x >> 3)] & (0x80 >> (x & 7))) != 0;
                native[(y * width) + x] = black ? (byte)0 : (byte)255;
            }
        }
    }

    /// <summary>P1: '0' and '1' characters, whitespace optional between them, 1 meaning black.</summary>
    private static void ReadPlainBits(ReadOnlySpan<byte> data, int pos, byte[] native, string source)
    {
        int i = 0;
        while (i < native.Length && pos < data.Length)
        {
            byte c = data[pos++];
            if (c == '#')
            {
                pos = SkipComment(data, pos);
            }
            else if (c is (byte)'0' or (byte)'1')
            {
                native[i++] = c == '1' ? (byte)0 : (byte)255;
            }
            else if (!IsSpace(c))
            {
                throw new ImageDecodeException($"image file is corrupt: '{source}' (unexpected byte in PBM data)", source);
            }
        }
        if (i < native.Length)
        {
            throw new ImageDecodeException($"image file is truncated: '{source}'", source);
        }
    }

    /// <summary>Reads one decimal token, skipping whitespace and '#' comments; leaves pos on the byte after it.</summary>
    private static bool TryReadToken(ReadOnlySpan<byte> data, ref int pos, out int value)
    {
        value = 0;
        while (pos < data.Length)
        {
            if (data[pos] == '#')
            {
                pos = SkipComment(data, pos + 1);
            }
            else if (IsSpace(data[pos]))
            {
                pos++;
            }
            else
            {
                break;
            }
        }
        int digits = 0;
        while (pos < data.Length && data[pos] is >= (byte)'0' and <= (byte)'9')
        {
            // Pillow refuses tokens over 10 characters; stop before int overflow too.
            if (++digits > 9)
            {
                return false;
            }
            value = (value * 10) + (data[pos++] - '0');
        }
        return digits > 0;
    }

    private static int SkipComment(ReadOnlySpan<byte> data, int pos)
    {
        while (pos < data.Length && data[pos] != '\n' && data[pos] != '\r')
        {
            pos++;
        }
        return pos;
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;
}
