namespace Keras.Preprocessing.Memory.Image;

/// <summary>The formats <see cref="KerasImage.save"/> can write.</summary>
internal enum ImageFileFormat
{
    Png,
    Jpeg,
    Bmp,
    Webp,
    Ppm,
    Tiff,
}

/// <summary>Resolves a PIL-style format name or a file extension to an <see cref="ImageFileFormat"/>.</summary>
internal static class ImageFileFormats
{
    public static ImageFileFormat Resolve(string path, string? format)
    {
        if (format is not null)
        {
            return format.ToLowerInvariant() switch
            {
                "png" => ImageFileFormat.Png,
                "jpeg" or "jpg" => ImageFileFormat.Jpeg,
                "bmp" => ImageFileFormat.Bmp,
                "webp" => ImageFileFormat.Webp,
                "ppm" => ImageFileFormat.Ppm,
                "tiff" or "tif" => ImageFileFormat.Tiff,
                // PIL quantizes to an adaptive palette when saving GIF; that quantizer is not ported.
                "gif" => throw new NotSupportedException("Saving GIF is not supported; use png."),
                _ => throw new ArgumentException($"unknown file format: {format}", nameof(format)),
            };
        }
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".png" => ImageFileFormat.Png,
            ".jpg" or ".jpeg" or ".jpe" or ".jfif" => ImageFileFormat.Jpeg,
            ".bmp" or ".dib" => ImageFileFormat.Bmp,
            ".webp" => ImageFileFormat.Webp,
            ".ppm" or ".pgm" or ".pbm" or ".pnm" => ImageFileFormat.Ppm,
            ".tif" or ".tiff" => ImageFileFormat.Tiff,
            ".gif" => throw new NotSupportedException("Saving GIF is not supported; use .png."),
            _ => throw new ArgumentException($"unknown file extension: {extension}", nameof(path)),
        };
    }
}
