using System.Buffers.Binary;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Writes an uncompressed little-endian TIFF byte for byte as Pillow's own (non-libtiff) TIFF writer does
/// for <c>img.save(path, 'tiff')</c>: the IFD straight after the header, then the BitsPerSample array when
/// it does not fit in its entry, then all rows as a single strip.
/// </summary>
internal static class TiffWriter
{
    private const ushort Short = 3;
    private const ushort Long = 4;

    public static byte[] Encode(KerasImage image)
    {
        int channels = image.channels;
        long pixelBytes = (long)image.width * image.height * channels;
        // Pillow's entries for L, RGB and RGBA, in tag order: (tag, type, count, value).
        var entries = new List<(ushort Tag, ushort Type, uint Count, uint Value)>
        {
            (256, Long, 1, (uint)image.width),
            (257, Long, 1, (uint)image.height),
            (258, Short, (uint)channels, 8),
            (259, Short, 1, 1),
            (262, Short, 1, channels == 1 ? 1u : 2u),
            (273, Long, 1, 0),
        };
        if (channels > 1)
        {
            entries.Add((277, Short, 1, (uint)channels));
        }
        entries.Add((278, Long, 1, (uint)image.height));
        entries.Add((279, Long, 1, (uint)pixelBytes));
        entries.Add((284, Short, 1, 1));
        if (channels == 4)
        {
            // Unassociated alpha.
            entries.Add((338, Short, 1, 2));
        }

        int ifdEnd = 8 + 2 + (12 * entries.Count) + 4;
        int bitsArrayBytes = channels > 2 ? 2 * channels : 0;
        long stripOffset = ifdEnd + bitsArrayBytes;
        if (stripOffset + pixelBytes > Array.MaxLength)
        {
            throw new ArgumentException("image too large for TIFF", nameof(image));
        }
        var file = new byte[stripOffset + pixelBytes];
        Span<byte> span = file;
        "II*\0"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            (ushort tag, ushort type, uint count, uint value) = entries[i];
            Span<byte> entry = span.Slice(10 + (12 * i), 12);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], count);
            if (tag == 258 && bitsArrayBytes > 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)ifdEnd);
            }
            else if (tag == 273)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)stripOffset);
            }
            else if (type == Short)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], value);
            }
        }
        for (int c = 0; c < bitsArrayBytes / 2; c++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[(ifdEnd + (2 * c))..], 8);
        }
        image.pixels.AsSpan(0, (int)pixelBytes).CopyTo(span[(int)stripOffset..]);
        return file;
    }
}
