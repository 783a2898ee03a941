namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// The few container facts Skia's codecs do not expose but PIL's behaviour depends on,
/// read straight from the encoded bytes.
/// </summary>
internal static class EncodedHeaders
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// True for a 16-bit greyscale PNG, which PIL opens as a 32-bit integer image ("I") and
    /// clips, rather than scales, to 8 bits on conversion.
    /// </summary>
    public static bool IsGray16Png(ReadOnlySpan<byte> data)
    {
        // Signature, IHDR length and tag, width, height, then bit depth and colour type.
        return data.Length >= 29
            && data[..8].SequenceEqual(PngSignature)
            && data.Slice(12, 4).SequenceEqual("IHDR"u8)
            && data[24] == 16
            && data[25] == 0;
    }

    /// <summary>
    /// The palette colour of the first GIF frame's transparent index. PIL keeps that colour
    /// under transparent pixels when converting; Skia writes transparent black there instead.
    /// </summary>
    public static bool TryGetGifTransparentColor(ReadOnlySpan<byte> data, out byte r, out byte g, out byte b)
    {
        r = g = b = 0;
        if (data.Length < 13 || !(data[..6].SequenceEqual("GIF87a"u8) || data[..6].SequenceEqual("GIF89a"u8)))
        {
            return false;
        }
        int pos = 13;
        ReadOnlySpan<byte> palette = default;
        if ((data[10] & 0x80) != 0)
        {
            int size = 3 << ((data[10] & 7) + 1);
            if (pos + size > data.Length)
            {
                return false;
            }
            palette = data.Slice(pos, size);
            pos += size;
        }

        int transparentIndex = -1;
        while (pos < data.Length)
        {
            byte introducer = data[pos++];
            if (introducer == 0x21 && pos < data.Length)
            {
                byte label = data[pos++];
                if (label == 0xF9 && pos + 5 <= data.Length && data[pos] >= 4)
                {
                    // Graphic control extension: packed flags, delay, transparent index.
                    transparentIndex = (data[pos + 1] & 1) != 0 ? data[pos + 4] : -1;
                }
                pos = SkipSubBlocks(data, pos);
            }
            else if (introducer == 0x2C)
            {
                // Image descriptor of frame 0; a local colour table replaces the global one.
                if (pos + 9 > data.Length)
                {
                    return false;
                }
                byte packed = data[pos + 8];
                pos += 9;
                if ((packed & 0x80) != 0)
                {
                    int size = 3 << ((packed & 7) + 1);
                    if (pos + size > data.Length)
                    {
                        return false;
                    }
                    palette = data.Slice(pos, size);
                }
                break;
            }
            else
            {
                return false;
            }
        }

        if (transparentIndex < 0)
        {
            return false;
        }
        if (3 * transparentIndex + 2 < palette.Length)
        {
            r = palette[3 * transparentIndex];
            g = palette[3 * transparentIndex + 1];
            b = palette[3 * transparentIndex + 2];
        }
        return true;
    }

    private static int SkipSubBlocks(ReadOnlySpan<byte> data, int pos)
    {
        while (pos < data.Length)
        {
            int size = data[pos++];
            if (size == 0)
            {
                break;
            }
            pos += size;
        }
        return pos;
    }
}
