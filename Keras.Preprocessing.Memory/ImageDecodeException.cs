namespace Keras.Preprocessing.Memory;

/// <summary>
/// Thrown by <see cref="ImageUtils.load_img"/> and <see cref="ImageUtils.decode_image"/> when the
/// bytes are not a decodable image: empty, an unknown format, truncated or corrupt. This is where
/// Keras's <c>load_img</c> surfaces PIL's <c>UnidentifiedImageError</c> or
/// <c>OSError: image file is truncated</c>.
/// </summary>
public sealed class ImageDecodeException : IOException
{
    /// <summary>Creates the exception for the image named <paramref name="fileName"/>.</summary>
    /// <param name="message">What went wrong, including the file name.</param>
    /// <param name="fileName">The path, or a description such as "&lt;bytes&gt;" for in-memory data.</param>
    public ImageDecodeException(string message, string fileName)
        : base(message)
    {
        FileName = fileName;
    }

    /// <summary>The path of the image (Keras <c>load_img</c>'s <c>path</c>), or "&lt;bytes&gt;".</summary>
    public string FileName { get; }
}
