namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// TIFF's LZW variant (compression 5): MSB-first codes of 9 to 12 bits, 256 = clear, 257 = end,
/// and the code width growing one code early, as libtiff writes it.
/// </summary>
internal static class TiffLzw
{
    private const int Clear = 256;
    private const int End = 257;
    private const int MaxCodes = 4096;

    /// <summary>Decodes into <paramref name="output"/> (stopping when it is full); returns the bytes written.</summary>
    public static int Decode(ReadOnlySpan<byte> input, byte[] output, string source)
    {
        var prefix = new short[MaxCodes];
        var suffix = new byte[MaxCodes];
        var first = new byte[MaxCodes];
        var length = new int[MaxCodes];
        for (int i = 0; i < 256; i++)
        {
            suffix[i] = first[i] = (byte)i;
            length[i] = 1;
            prefix[i] = -1;
        }

        int next = 258;
        int width = 9;
        int old = -1;
        long bitPos = 0;
        int o = 0;
        long totalBits = (long)input.Length * 8;
        while (o < output.Length && bitPos + width <= totalBits)
        {
            int code = ReadCode(input, bitPos, width);
            bitPos += width;
            if (code == End)
            {
                break;
            }
            if (code == Clear)
            {
                next = 258;
                width = 9;
                old = -1;
                continue;
            }
            if (old == -1)
            {
                if (code > 255)
                {
                    throw Corrupt(source);
                }
                output[o++] = (byte)code;
                old = code;
                continue;
            }
            if (code > next || next >= MaxCodes)
            {
                throw Corrupt(source);
            }
            // A code not yet in the table (KwKwK) is the previous string plus its own first byte.
            byte head = code < next ? first[code] : first[old];
            prefix[next] = (short)old;
            suffix[next] = head;
            first[next] = first[old];
            length[next] = length[old] + 1;
            next++;
            o = Emit(code, prefix, suffix, length, output, o);
            old = code;
            // Early change: the width grows when the next code would need it, one code before the table fills.
            if (next + 1 >= (1 << width) && width < 12)
            {
                width++;
            }
        }
        return o;
    }

    /// <summary>Writes the string of <paramref name="code"/> (walking its prefix chain from the end), clipped to the output.</summary>
    private static int Emit(int code, short[] prefix, byte[] suffix, int[] length, byte[] output, int o)
    {
        int n = length[code];
        int end = o + n;
        for (int c = code, at = end - 1; c >= 0; c = prefix[c], at--)
        {
            if (at < output.Length)
            {
                output[at] = suffix[c];
            }
        }
        return Math.Min(end, output.Length);
    }

    private static int ReadCode(ReadOnlySpan<byte> input, long bitPos, int width)
    {
        int value = 0;
        for (int i = 0; i < width; i++, bitPos++)
        {
            value = (value << 1) | ((input[(int)(bitPos >> 3)] >> (7 - (int)(bitPos & 7))) & 1);
        }
        return value;
    }

    private static ImageDecodeException Corrupt(string source) =>
        new($"image file is corrupt: '{source}' (bad LZW code)", source);
}
