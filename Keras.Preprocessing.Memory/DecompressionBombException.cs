namespace Keras.Preprocessing.Memory;

/// <summary>
/// Thrown before decoding an image whose pixel count exceeds <see cref="ImageUtils.max_image_pixels"/>,
/// the counterpart of PIL's <c>DecompressionBombError</c> that Keras's <c>load_img</c> lets through.
/// </summary>
public sealed class DecompressionBombException : Exception
{
    /// <summary>Creates the exception for an image of <paramref name="width"/> by <paramref name="height"/> pixels.</summary>
    /// <param name="fileName">The path, or "&lt;bytes&gt;" for in-memory data.</param>
    /// <param name="width">Width declared in the image header.</param>
    /// <param name="height">Height declared in the image header.</param>
    /// <param name="limit">The limit in force (<see cref="ImageUtils.max_image_pixels"/>).</param>
    public DecompressionBombException(string fileName, int width, int height, long limit)
        : base($"Image size ({(long)width * height} pixels, {width}x{height}) of '{fileName}' exceeds limit of {limit} pixels, " +
               "could be decompression bomb DOS attack. Raise or clear ImageUtils.max_image_pixels to load it.")
    {
        FileName = fileName;
        Width = width;
        Height = height;
        Limit = limit;
    }

    /// <summary>The path of the image (Keras <c>load_img</c>'s <c>path</c>), or "&lt;bytes&gt;".</summary>
    public string FileName { get; }

    /// <summary>Width declared in the image header.</summary>
    public int Width { get; }

    /// <summary>Height declared in the image header.</summary>
    public int Height { get; }

    /// <summary>The pixel limit that was exceeded.</summary>
    public long Limit { get; }
}
