namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Picks the decoder by the file's magic bytes, as PIL does (never by extension): Netpbm and TIFF,
/// which Skia cannot read, with our own readers; everything else with <see cref="SkiaImageDecoder"/>.
/// </summary>
internal static class ImageDecoder
{
    public static KerasImage Decode(ReadOnlySpan<byte> encoded, string source, ImageMode target)
    {
        if (TiffDecoder.IsTiff(encoded))
        {
            return TiffDecoder.Decode(encoded, source, target);
        }
        if (NetpbmCodec.IsNetpbm(encoded))
        {
            return NetpbmCodec.Decode(encoded, source, target);
        }
        return SkiaImageDecoder.Decode(encoded, source, target);
    }
}
