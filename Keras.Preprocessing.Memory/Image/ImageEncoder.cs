using System.Buffers;
using SkiaSharp;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Encodes a <see cref="KerasImage"/> to PNG/JPEG/WebP with Skia, or BMP, PPM and TIFF with our own
/// <see cref="BmpWriter"/>, <see cref="NetpbmCodec"/> and <see cref="TiffWriter"/> (Skia has no encoder for them).
/// </summary>
internal static class ImageEncoder
{
    private const int PilJpegQuality = 75;
    private const int PilWebpQuality = 80;

    public static void Save(KerasImage image, string path, string? format, int? quality)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (quality is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "quality must be between 1 and 100.");
        }
        byte[] encoded = Encode(image, ImageFileFormats.Resolve(path, format), quality);
        File.WriteAllBytes(path, encoded);
    }

    public static byte[] Encode(KerasImage image, ImageFileFormat format, int? quality)
    {
        if (format == ImageFileFormat.Bmp)
        {
            return BmpWriter.Encode(image);
        }
        if (format == ImageFileFormat.Ppm)
        {
            return NetpbmCodec.Encode(image);
        }
        if (format == ImageFileFormat.Tiff)
        {
            return TiffWriter.Encode(image);
        }
        if (format == ImageFileFormat.Jpeg && image.Mode == ImageMode.RGBA)
        {
            throw new ArgumentException("cannot write mode RGBA as JPEG", nameof(image));
        }

        // Skia has no packed 24-bit format: RGB goes through opaque RGBA.
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> pixels = image.pixels;
            SKImageInfo info;
            switch (image.Mode)
            {
                case ImageMode.L:
                    info = new SKImageInfo(image.width, image.height, SKColorType.Gray8, SKAlphaType.Opaque);
                    break;
                case ImageMode.RGB:
                    int length = image.width * image.height * 4;
                    rented = ArrayPool<byte>.Shared.Rent(length);
                    PixelConversions.Convert(image.pixels, ImageMode.RGB, rented.AsSpan(0, length), ImageMode.RGBA);
                    pixels = rented.AsSpan(0, length);
                    info = new SKImageInfo(image.width, image.height, SKColorType.Rgba8888, SKAlphaType.Opaque);
                    break;
                default:
                    info = new SKImageInfo(image.width, image.height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
                    break;
            }
            return EncodePixels(pixels, info, format, quality);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static unsafe byte[] EncodePixels(ReadOnlySpan<byte> pixels, SKImageInfo info, ImageFileFormat format, int? quality)
    {
        fixed (byte* address = pixels)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)address, info.RowBytes);
            using SKData? data = format switch
            {
                ImageFileFormat.Png => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6)),
                ImageFileFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(
                    quality ?? PilJpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
                _ => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, quality ?? PilWebpQuality)),
            };
            return data?.ToArray() ?? throw new IOException($"Skia could not encode a {info.Width}x{info.Height} image as {format}.");
        }
    }
}
