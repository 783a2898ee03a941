using System.Buffers;
using SkiaSharp;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Decodes PNG, JPEG, BMP, GIF and WebP with Skia's codecs into the pixels PIL would produce
/// after <c>Image.convert(mode)</c>. Skia is asked for unpremultiplied RGBA (or Gray8 for opaque
/// grey sources) with no destination colour space, so neither colour management (ICC, gAMA) nor
/// premultiplication touches the samples, as in PIL. JPEG output then equals Pillow's byte for
/// byte (checked for 4:4:4, 4:2:2, 4:2:0, progressive, greyscale and CMYK files). Two places
/// where Skia differs are patched: GIF transparent pixels get back their palette colour, and
/// 16-bit greyscale PNGs are read by <see cref="Gray16PngReader"/>.
/// </summary>
internal static class SkiaImageDecoder
{
    public static unsafe KerasImage Decode(ReadOnlySpan<byte> encoded, string source, ImageMode target)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException($"cannot identify image file '{source}': the file is empty", source);
        }

        fixed (byte* address = encoded)
        {
            // Wraps the caller's bytes without copying; both objects die before the pin ends.
            using var data = SKData.Create((IntPtr)address, encoded.Length, null);
            using var codec = SKCodec.Create(data)
                ?? throw new ImageDecodeException($"cannot identify image file '{source}'", source);

            SKImageInfo info = codec.Info;
            PixelLimit.Check(info.Width, info.Height, source);
            // Four bytes a pixel is the most any path below holds at once.
            if ((long)info.Width * info.Height * 4 > Array.MaxLength)
            {
                throw new ImageDecodeException($"image file '{source}' is too large to hold in memory ({info.Width}x{info.Height})", source);
            }
            int pixelCount = info.Width * info.Height;
            // Every byte is written by the decoder or the conversion below.
            byte[] pixels = GC.AllocateUninitializedArray<byte>(pixelCount * target.Channels());

            if (codec.EncodedFormat == SKEncodedImageFormat.Png && EncodedHeaders.IsGray16Png(encoded))
            {
                // Skia would reduce these to 8 bits first; PIL clips the 16-bit samples instead.
                Gray16PngReader.Decode(encoded, pixels.AsSpan(0, pixelCount), info.Width, info.Height, source);
                PixelConversions.ExpandGrayInPlace(pixels, pixelCount, target.Channels());
            }
            else if (info.ColorType == SKColorType.Gray8)
            {
                // Opaque grey source: decode straight into the result and widen in place.
                var grayInfo = new SKImageInfo(info.Width, info.Height, SKColorType.Gray8, SKAlphaType.Opaque);
                DecodeInto(codec, grayInfo, pixels.AsSpan(0, pixelCount), source);
                PixelConversions.ExpandGrayInPlace(pixels, pixelCount, target.Channels());
            }
            else
            {
                DecodeColor(codec, encoded, pixels, target, source);
            }
            return new KerasImage(pixels, info.Width, info.Height, target);
        }
    }

    /// <summary>Colour or alpha sources: unpremultiplied RGBA, straight into the result when it is RGBA.</summary>
    private static void DecodeColor(SKCodec codec, ReadOnlySpan<byte> encoded, byte[] pixels, ImageMode target, string source)
    {
        SKImageInfo info = codec.Info;
        var rgbaInfo = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        bool fixGif = codec.EncodedFormat == SKEncodedImageFormat.Gif && info.AlphaType != SKAlphaType.Opaque;
        if (target == ImageMode.RGBA)
        {
            DecodeInto(codec, rgbaInfo, pixels, source);
            if (fixGif)
            {
                RestoreGifTransparentColor(encoded, pixels);
            }
            return;
        }

        int length = info.Width * info.Height * 4;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> rgba = rented.AsSpan(0, length);
            DecodeInto(codec, rgbaInfo, rgba, source);
            if (fixGif)
            {
                RestoreGifTransparentColor(encoded, rgba);
            }
            PixelConversions.Convert(rgba, ImageMode.RGBA, pixels, target);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void RestoreGifTransparentColor(ReadOnlySpan<byte> encoded, Span<byte> rgba)
    {
        if (!EncodedHeaders.TryGetGifTransparentColor(encoded, out byte r, out byte g, out byte b))
        {
            return;
        }
        for (int i = 0; i < rgba.Length; i += 4)
        {
            if (rgba[i + 3] == 0)
            {
                rgba[i] = r;
                rgba[i + 1] = g;
                rgba[i + 2] = b;
            }
        }
    }

    private static unsafe void DecodeInto(SKCodec codec, SKImageInfo info, Span<byte> destination, string source)
    {
        SKCodecResult result;
        fixed (byte* target = destination)
        {
            result = codec.GetPixels(info, (IntPtr)target);
        }
        switch (result)
        {
            case SKCodecResult.Success:
                return;
            case SKCodecResult.IncompleteInput:
                throw new ImageDecodeException($"image file is truncated: '{source}'", source);
            case SKCodecResult.ErrorInInput:
                throw new ImageDecodeException($"image file is corrupt: '{source}'", source);
            default:
                throw new ImageDecodeException($"cannot decode image file '{source}' ({result})", source);
        }
    }
}
