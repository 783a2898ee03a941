using System.Buffers.Binary;
using System.IO.Compression;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Baseline TIFF reader (first image only), since Skia has no TIFF codec and Keras 1.1.0 lists tif/tiff.
/// Handles strips and tiles; uncompressed, PackBits, LZW and Deflate data with the horizontal predictor;
/// bilevel, 2/4/8/16-bit greyscale (BlackIsZero or WhiteIsZero), grey + alpha, 8-bit RGB and RGBA, and
/// palette images, in either byte order; and gives the pixels Pillow's <c>Image.open(f).convert(mode)</c>
/// gives. Planar (separate-plane) layouts, CMYK, YCbCr and JPEG-in-TIFF are refused with an
/// <see cref="ImageDecodeException"/>.
/// </summary>
internal static class TiffDecoder
{
    private const int TagWidth = 256;
    private const int TagHeight = 257;
    private const int TagBitsPerSample = 258;
    private const int TagCompression = 259;
    private const int TagPhotometric = 262;
    private const int TagStripOffsets = 273;
    private const int TagSamplesPerPixel = 277;
    private const int TagRowsPerStrip = 278;
    private const int TagStripByteCounts = 279;
    private const int TagPlanarConfig = 284;
    private const int TagPredictor = 317;
    private const int TagColorMap = 320;
    private const int TagTileWidth = 322;
    private const int TagTileLength = 323;
    private const int TagTileOffsets = 324;
    private const int TagTileByteCounts = 325;
    private const int TagExtraSamples = 338;
    private const int TagSampleFormat = 339;

    /// <summary>True for the little-endian ("II*\0") or big-endian ("MM\0*") TIFF signature.</summary>
    public static bool IsTiff(ReadOnlySpan<byte> data) =>
        data.Length >= 8
        && ((data[0] == 'I' && data[1] == 'I' && data[2] == 42 && data[3] == 0)
            || (data[0] == 'M' && data[1] == 'M' && data[2] == 0 && data[3] == 42));

    /// <summary>Offset of the first IFD as the header states it (valid only when <see cref="IsTiff"/>).</summary>
    public static long FirstIfdOffset(ReadOnlySpan<byte> data) =>
        data[0] == 'I' ? BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) : BinaryPrimitives.ReadUInt32BigEndian(data[4..]);

    /// <summary>Width and height from the first IFD; false when it lies outside <paramref name="data"/> or lacks them.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (!IsTiff(data))
        {
            return false;
        }
        var ifd = new Ifd(data[0] == 'I', (int)Math.Min(FirstIfdOffset(data), int.MaxValue));
        if (!ifd.IsReadable(data))
        {
            return false;
        }
        long w = ifd.Single(data, TagWidth, -1);
        long h = ifd.Single(data, TagHeight, -1);
        if (w is <= 0 or > int.MaxValue || h is <= 0 or > int.MaxValue)
        {
            return false;
        }
        (width, height) = ((int)w, (int)h);
        return true;
    }

    /// <summary>Decodes the first image to <paramref name="target"/>.</summary>
    public static KerasImage Decode(ReadOnlySpan<byte> data, string source, ImageMode target)
    {
        if (!TryReadSize(data, out int width, out int height))
        {
            throw new ImageDecodeException($"cannot identify image file '{source}': unreadable TIFF header", source);
        }
        PixelLimit.Check(width, height, source);
        if ((long)width * height * 4 > Array.MaxLength)
        {
            throw new ImageDecodeException($"image file '{source}' is too large to hold in memory ({width}x{height})", source);
        }
        var ifd = new Ifd(data[0] == 'I', (int)FirstIfdOffset(data));
        int samples = (int)ifd.Single(data, TagSamplesPerPixel, 1);
        uint[] bitsArray = ifd.Values(data, TagBitsPerSample) ?? [1];
        int bits = (int)bitsArray[0];
        int compression = (int)ifd.Single(data, TagCompression, 1);
        int photometric = (int)ifd.Single(data, TagPhotometric, samples >= 3 ? 2 : 1);
        int predictor = (int)ifd.Single(data, TagPredictor, 1);
        uint[] extra = ifd.Values(data, TagExtraSamples) ?? [];
        var format = (SampleFormat)ifd.Single(data, TagSampleFormat, 1);

        string Unsupported(string what) => $"cannot decode image file '{source}': unsupported TIFF {what}";
        if (samples is < 1 or > 4 || bitsArray.Any(b => b != bits) || bits is not (1 or 2 or 4 or 8 or 16 or 32)
            || (bits != 8 && samples != 1) || (bits == 16 && photometric > 1) || !PillowReads(bits, format, photometric, ifd.LittleEndian))
        {
            throw new ImageDecodeException(
                Unsupported($"layout ({samples} samples of {string.Join("/", bitsArray)} bits, sample format {(int)format})"), source);
        }
        if (samples > 1 && ifd.Single(data, TagPlanarConfig, 1) != 1)
        {
            throw new ImageDecodeException(Unsupported("planar configuration (separate planes)"), source);
        }
        if (photometric is not (0 or 1 or 2 or 3) || (photometric == 2 && samples < 3) || (photometric < 2 && samples > 2) || (photometric == 3 && samples != 1))
        {
            throw new ImageDecodeException(Unsupported($"photometric interpretation {photometric} with {samples} samples"), source);
        }
        if (predictor is not (1 or 2))
        {
            throw new ImageDecodeException(Unsupported($"predictor {predictor}"), source);
        }

        int rowBytes = (int)(((long)width * samples * bits + 7) / 8);
        byte[] raw = new byte[(long)rowBytes * height];
        ReadChunks(data, ifd, width, height, samples, bits, rowBytes, compression, predictor, raw, source);
        (byte[] native, ImageMode mode) = ToPixels(data, ifd, raw, width, height, samples, bits, format, photometric, extra, source);
        return new KerasImage(mode == target ? native : PixelConversions.Convert(native, mode, target), width, height, target);
    }

    /// <summary>Decompresses every strip or tile and copies its rows into <paramref name="raw"/> (packed samples, file order).</summary>
    private static void ReadChunks(ReadOnlySpan<byte> data, Ifd ifd, int width, int height, int samples, int bits, int rowBytes,
        int compression, int predictor, byte[] raw, string source)
    {
        bool tiled = ifd.Values(data, TagTileWidth) is not null;
        int chunkWidth = tiled ? (int)ifd.Single(data, TagTileWidth, 0) : width;
        long chunkHeightTag = tiled ? ifd.Single(data, TagTileLength, 0) : ifd.Single(data, TagRowsPerStrip, height);
        int chunkHeight = (int)Math.Clamp(chunkHeightTag, 0, height);
        uint[]? offsets = ifd.Values(data, tiled ? TagTileOffsets : TagStripOffsets);
        uint[]? counts = ifd.Values(data, tiled ? TagTileByteCounts : TagStripByteCounts);
        if (chunkWidth <= 0 || chunkHeight <= 0 || offsets is null)
        {
            throw new ImageDecodeException($"image file is corrupt: '{source}' (missing TIFF strip or tile layout)", source);
        }
        int across = (width + chunkWidth - 1) / chunkWidth;
        int down = (height + chunkHeight - 1) / chunkHeight;
        if (offsets.Length < (long)across * down)
        {
            throw new ImageDecodeException($"image file is corrupt: '{source}' (too few TIFF strips or tiles)", source);
        }
        long chunkRowBytesLong = (((long)chunkWidth * samples * bits) + 7) / 8;
        // A forged tile size must not overflow the buffer arithmetic below.
        if (chunkRowBytesLong * chunkHeight > Array.MaxLength)
        {
            throw new ImageDecodeException($"image file is corrupt: '{source}' (TIFF tile of {chunkWidth}x{chunkHeight})", source);
        }
        int chunkRowBytes = (int)chunkRowBytesLong;
        for (int index = 0; index < across * down; index++)
        {
            int top = index / across * chunkHeight;
            int left = index % across * chunkWidth;
            // A last strip holds only the rows left; tiles are always full size.
            int rows = tiled ? chunkHeight : Math.Min(chunkHeight, height - top);
            long start = offsets[index];
            long length = counts is not null && index < counts.Length ? counts[index] : data.Length - start;
            if (start > data.Length)
            {
                throw new ImageDecodeException($"image file is truncated: '{source}'", source);
            }
            ReadOnlySpan<byte> packed = data.Slice((int)start, (int)Math.Min(length, data.Length - start));
            byte[] chunk = new byte[chunkRowBytes * rows];
            Decompress(packed, compression, chunk, source);
            if (predictor == 2)
            {
                UndoHorizontalPredictor(chunk, chunkRowBytes, samples, bits, ifd.LittleEndian, source);
            }
            int destinationOffset = (int)((long)left * samples * bits / 8);
            int copy = Math.Min(chunkRowBytes, rowBytes - destinationOffset);
            for (int r = 0; r < rows && top + r < height; r++)
            {
                chunk.AsSpan(r * chunkRowBytes, copy).CopyTo(raw.AsSpan(((top + r) * rowBytes) + destinationOffset));
            }
        }
    }

    private static void Decompress(ReadOnlySpan<byte> packed, int compression, byte[] output, string source)
    {
        int written;
        switch (compression)
        {
            case 1:
                written = Math.Min(packed.Length, output.Length);
                packed[..written].CopyTo(output);
                break;
            case 32773:
                written = UnpackBits(packed, output);
                break;
            case 5:
                written = TiffLzw.Decode(packed, output, source);
                break;
            case 8 or 32946:
                written = Inflate(packed, output, source);
                break;
            default:
                throw new ImageDecodeException($"cannot decode image file '{source}': unsupported TIFF compression {compression}", source);
        }
        if (written < output.Length)
        {
            throw new ImageDecodeException($"image file is truncated: '{source}'", source);
        }
    }

    /// <summary>PackBits: a header n below 128 copies n + 1 bytes; above 128 repeats the next byte 257 - n times; 128 is a no-op.</summary>
    private static int UnpackBits(ReadOnlySpan<byte> packed, byte[] output)
    {
        int i = 0;
        int o = 0;
        while (i < packed.Length && o < output.Length)
        {
            int n = packed[i++];
            if (n < 128)
            {
                int count = Math.Min(Math.Min(n + 1, packed.Length - i), output.Length - o);
                packed.Slice(i, count).CopyTo(output.AsSpan(o));
                i += n + 1;
                o += count;
            }
            else if (n > 128 && i < packed.Length)
            {
                int count = Math.Min(257 - n, output.Length - o);
                output.AsSpan(o, count).Fill(packed[i++]);
                o += count;
            }
        }
        return o;
    }

    private static int Inflate(ReadOnlySpan<byte> packed, byte[] output, string source)
    {
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(packed.ToArray()), CompressionMode.Decompress);
            return zlib.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new ImageDecodeException($"image file is corrupt: '{source}' ({e.Message})", source);
        }
    }

    /// <summary>Predictor 2: each sample after the first of a row was stored as its difference from the one before.</summary>
    private static void UndoHorizontalPredictor(byte[] chunk, int rowBytes, int samples, int bits, bool littleEndian, string source)
    {
        if (bits == 8)
        {
            for (int row = 0; row < chunk.Length; row += rowBytes)
            {
                for (int i = row + samples; i < row + rowBytes; i++)
                {
                    chunk[i] += chunk[i - samples];
                }
            }
            return;
        }
        if (bits != 16)
        {
            throw new ImageDecodeException($"cannot decode image file '{source}': unsupported TIFF predictor on {bits}-bit samples", source);
        }
        for (int row = 0; row < chunk.Length; row += rowBytes)
        {
            for (int i = row + (2 * samples); i + 1 < row + rowBytes; i += 2)
            {
                Span<byte> at = chunk.AsSpan(i, 2);
                ReadOnlySpan<byte> before = chunk.AsSpan(i - (2 * samples), 2);
                ushort sum = littleEndian
                    ? (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(at) + BinaryPrimitives.ReadUInt16LittleEndian(before))
                    : (ushort)(BinaryPrimitives.ReadUInt16BigEndian(at) + BinaryPrimitives.ReadUInt16BigEndian(before));
                if (littleEndian)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(at, sum);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16BigEndian(at, sum);
                }
            }
        }
    }

    /// <summary>Packed file samples to 8-bit L, RGB or RGBA as Pillow's TIFF modes convert.</summary>
    private static (byte[] Pixels, ImageMode Mode) ToPixels(ReadOnlySpan<byte> data, Ifd ifd, byte[] raw, int width, int height,
        int samples, int bits, SampleFormat format, int photometric, uint[] extra, string source)
    {
        int count = width * height;
        int rowBytes = raw.Length / height;
        if (photometric == 2)
        {
            if (samples == 3)
            {
                return (raw, ImageMode.RGB);
            }
            // ExtraSamples 2 is unassociated alpha (Pillow's RGBA); 0 is unspecified (RGBX, opaque);
            // 1 is premultiplied (RGBa), which Pillow unpremultiplies on reading: v * 255 / a, truncated and
            // clipped, and 0 where alpha is 0 (checked on le_rgba_associated.tif).
            int kind = extra.Length > 0 ? (int)extra[0] : 0;
            for (int i = 3; i < raw.Length; i += 4)
            {
                if (kind == 0)
                {
                    raw[i] = 255;
                }
                else if (kind == 1)
                {
                    int a = raw[i];
                    for (int c = i - 3; c < i; c++)
                    {
                        raw[c] = a == 0 ? (byte)0 : (byte)Math.Min(255, raw[c] * 255 / a);
                    }
                }
            }
            return (raw, ImageMode.RGBA);
        }

        if (photometric == 3)
        {
            uint[] map = ifd.Values(data, TagColorMap) ?? [];
            int colors = 1 << bits;
            if (map.Length < 3 * colors)
            {
                throw new ImageDecodeException($"image file is corrupt: '{source}' (TIFF palette too short)", source);
            }
            byte[] rgb = new byte[count * 3];
            for (int y = 0, o = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++, o += 3)
                {
                    int index = Sample(raw, (y * rowBytes), x, bits, ifd.LittleEndian);
                    // The TIFF colour map holds 16-bit values; Pillow keeps the high byte.
                    rgb[o] = (byte)(map[index] >> 8);
                    rgb[o + 1] = (byte)(map[colors + index] >> 8);
                    rgb[o + 2] = (byte)(map[(2 * colors) + index] >> 8);
                }
            }
            return (rgb, ImageMode.RGB);
        }

        // Greyscale, optionally with alpha (8-bit only, checked by the caller).
        int max = (1 << Math.Min(bits, 8)) - 1;
        byte[] output = new byte[count * (samples == 2 ? 4 : 1)];
        for (int y = 0, o = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int gray;
                if (bits == 32)
                {
                    // Pillow's I (32-bit integers) and F (floats) modes: converting to L clips, and truncates a float
                    // (NaN becomes 0). Pillow does not invert a WhiteIsZero float image.
                    gray = Gray32(raw.AsSpan((y * rowBytes) + (4 * x), 4), format, ifd.LittleEndian);
                }
                else
                {
                    int v = Sample(raw, y * rowBytes, x * samples, bits, ifd.LittleEndian);
                    // 16-bit samples open as Pillow's I;16 (I;16S when signed), which clips (not scales) to 8 bits; fewer
                    // bits scale up.
                    gray = bits != 16 ? v * 255 / max : format == SampleFormat.Int ? Math.Clamp((int)(short)v, 0, 255) : Math.Min(v, 255);
                    if (photometric == 0)
                    {
                        gray = 255 - gray;
                    }
                }

                if (samples == 2)
                {
                    output[o] = output[o + 1] = output[o + 2] = (byte)gray;
                    output[o + 3] = raw[(y * rowBytes) + (2 * x) + 1];
                    o += 4;
                }
                else
                {
                    output[o++] = (byte)gray;
                }
            }
        }
        return (output, samples == 2 ? ImageMode.RGBA : ImageMode.L);
    }

    /// <summary>
    /// Whether Pillow 9.4 opens this sample layout (its TiffImagePlugin.OPEN_INFO): unsigned samples of up to 16 bits,
    /// signed 16-bit grey (I;16S), 32-bit signed grey (I;32S), little-endian unsigned 32-bit grey (I;32N, read as
    /// signed), and 32-bit float grey (F, also WhiteIsZero). Other sample formats (signed 8-bit, 16-bit floats,
    /// unsigned big-endian 32-bit) Pillow cannot open.
    /// </summary>
    private static bool PillowReads(int bits, SampleFormat format, int photometric, bool littleEndian) => (bits, format) switch
    {
        (32, SampleFormat.Float) => photometric is 0 or 1,
        (32, SampleFormat.Int) => photometric == 1,
        (32, SampleFormat.UInt) => photometric == 1 && littleEndian,
        (32, _) => false,
        (16, SampleFormat.Int) => photometric == 1,
        (_, SampleFormat.UInt) => true,
        _ => false,
    };

    /// <summary>One 32-bit grey sample as Pillow converts mode I or F to L: clipped to 0..255, a float truncated.</summary>
    private static int Gray32(ReadOnlySpan<byte> sample, SampleFormat format, bool littleEndian)
    {
        int bitsValue = littleEndian ? BinaryPrimitives.ReadInt32LittleEndian(sample) : BinaryPrimitives.ReadInt32BigEndian(sample);
        if (format != SampleFormat.Float)
        {
            return Math.Clamp(bitsValue, 0, 255); // uint32 too: Pillow's I;32N reads the bits as a signed int
        }

        float v = BitConverter.Int32BitsToSingle(bitsValue);
        return v >= 255f ? 255 : v > 0f ? (int)v : 0; // NaN fails both tests: 0, as Pillow's cast gives
    }

    /// <summary>TIFF SampleFormat (tag 339).</summary>
    private enum SampleFormat
    {
        UInt = 1,
        Int = 2,
        Float = 3,
    }

    /// <summary>Sample number <paramref name="index"/> of a row starting at <paramref name="rowStart"/>, MSB-first for sub-byte depths.</summary>
    private static int Sample(byte[] raw, int rowStart, int index, int bits, bool littleEndian)
    {
        switch (bits)
        {
            case 8:
                return raw[rowStart + index];
            case 16:
                int at = rowStart + (2 * index);
                return littleEndian ? raw[at] | (raw[at + 1] << 8) : (raw[at] << 8) | raw[at + 1];
            default:
                int bit = index * bits;
                int shift = 8 - bits - (bit & 7);
                return (raw[rowStart + (bit >> 3)] >> shift) & ((1 << bits) - 1);
        }
    }

    /// <summary>The first image file directory: a count and 12-byte entries of tag, type, count and value or offset.</summary>
    private readonly struct Ifd(bool littleEndian, int offset)
    {
        public bool LittleEndian { get; } = littleEndian;

        public bool IsReadable(ReadOnlySpan<byte> data) =>
            offset >= 8 && offset + 2 <= data.Length && offset + 2 + (12 * (long)U16(data, offset)) <= data.Length;

        public long Single(ReadOnlySpan<byte> data, int tag, long fallback) =>
            Values(data, tag) is { Length: > 0 } values ? values[0] : fallback;

        /// <summary>The values of a BYTE, SHORT or LONG entry; null when absent or unreadable.</summary>
        public uint[]? Values(ReadOnlySpan<byte> data, int tag)
        {
            if (!IsReadable(data))
            {
                return null;
            }
            int entries = U16(data, offset);
            for (int e = 0; e < entries; e++)
            {
                int entry = offset + 2 + (12 * e);
                if (U16(data, entry) != tag)
                {
                    continue;
                }
                int type = U16(data, entry + 2);
                long count = U32(data, entry + 4);
                int size = type switch { 1 => 1, 3 => 2, 4 => 4, _ => 0 };
                if (size == 0 || count > data.Length)
                {
                    return null;
                }
                long valueAt = count * size <= 4 ? entry + 8 : U32(data, entry + 8);
                if (valueAt + (count * size) > data.Length)
                {
                    return null;
                }
                var values = new uint[count];
                for (int i = 0; i < count; i++)
                {
                    int at = (int)valueAt + (i * size);
                    values[i] = size switch { 1 => data[at], 2 => U16(data, at), _ => U32(data, at) };
                }
                return values;
            }
            return null;
        }

        private ushort U16(ReadOnlySpan<byte> data, int at) =>
            LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(data[at..]) : BinaryPrimitives.ReadUInt16BigEndian(data[at..]);

        private uint U32(ReadOnlySpan<byte> data, int at) =>
            LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) : BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
    }
}
