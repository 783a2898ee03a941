using Keras.Preprocessing.Memory.Image;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// An 8-bit image in PIL mode "L", "RGB" or "RGBA": the stand-in for the PIL <c>Image</c> that
/// Keras's <c>load_img</c> and <c>array_to_img</c> return and <c>img_to_array</c> consumes.
/// Pixels are interleaved, row-major, without row padding (what <c>np.asarray(img)</c> sees).
/// </summary>
public sealed class KerasImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied) as a PIL-style image, like <c>Image.frombuffer</c>.</summary>
    /// <param name="pixels">width * height * channels bytes, interleaved, row-major.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="mode">PIL mode: "L", "RGB" or "RGBA".</param>
    public KerasImage(byte[] pixels, int width, int height, string mode)
        : this(pixels, width, height, ImageModes.ParsePilMode(mode, nameof(mode)))
    {
    }

    internal KerasImage(byte[] pixels, int width, int height, ImageMode mode)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.LongLength != (long)width * height * mode.Channels())
        {
            throw new ArgumentException(
                $"pixels holds {pixels.LongLength} bytes but a {width}x{height} {mode.Name()} image needs {(long)width * height * mode.Channels()}.",
                nameof(pixels));
        }
        this.pixels = pixels;
        this.width = width;
        this.height = height;
        Mode = mode;
    }

    /// <summary>
    /// The pixel bytes, shared rather than copied (PIL's <c>tobytes()</c> without the copy):
    /// writes show through in the image.
    /// </summary>
    public byte[] pixels { get; }

    /// <summary>Width in pixels (PIL <c>Image.width</c>).</summary>
    public int width { get; }

    /// <summary>Height in pixels (PIL <c>Image.height</c>).</summary>
    public int height { get; }

    /// <summary>(width, height), in PIL's <c>Image.size</c> order, which is the reverse of Keras's <c>target_size</c>.</summary>
    public (int width, int height) size => (width, height);

    /// <summary>PIL mode name: "L", "RGB" or "RGBA" (PIL <c>Image.mode</c>).</summary>
    public string mode => Mode.Name();

    /// <summary>Number of channels: 1, 3 or 4 (<c>len(Image.getbands())</c>).</summary>
    public int channels => Mode.Channels();

    internal ImageMode Mode { get; }

    /// <summary>A deep copy (PIL <c>Image.copy()</c>).</summary>
    public KerasImage copy() => new((byte[])pixels.Clone(), width, height, Mode);

    /// <summary>
    /// Converts to another mode exactly as PIL's <c>Image.convert</c> does: L to RGB/RGBA replicates,
    /// RGB/RGBA to L uses PIL's rounded integer ITU-R 601-2 luma, RGBA to RGB drops alpha,
    /// RGB to RGBA adds opaque alpha.
    /// </summary>
    /// <param name="mode">"L", "RGB" or "RGBA".</param>
    public KerasImage convert(string mode)
    {
        ImageMode target = ImageModes.ParsePilMode(mode, nameof(mode));
        return target == Mode ? copy() : new KerasImage(PixelConversions.Convert(pixels, Mode, target), width, height, target);
    }

    /// <summary>
    /// Resizes like PIL's <c>Image.resize(size, resample, box)</c>, which Keras's <c>load_img</c>
    /// calls with the <c>interpolation</c> it was given.
    /// </summary>
    /// <param name="size">Output (width, height), PIL order.</param>
    /// <param name="resample">A Keras interpolation name: "nearest", "bilinear", "bicubic", "hamming", "box" or "lanczos". PIL's default is bicubic.</param>
    /// <param name="box">Optional source region (left, upper, right, lower) to scale from; the whole image by default.</param>
    public KerasImage resize((int width, int height) size, string resample = "bicubic", (float left, float upper, float right, float lower)? box = null)
    {
        Interpolation interpolation = InterpolationNames.Parse(resample, nameof(resample));
        ResizeBox region = box is { } b ? new ResizeBox(b.left, b.upper, b.right, b.lower) : ResizeBox.Full(width, height);
        byte[] resized = ImageResizer.Resize(pixels, width, height, Mode, size.width, size.height, interpolation, region);
        return new KerasImage(resized, size.width, size.height, Mode);
    }

    /// <summary>
    /// Writes the image like PIL's <c>Image.save(fp, format)</c>: PNG, JPEG, BMP or WebP, chosen by
    /// <paramref name="format"/> or else by the file extension.
    /// </summary>
    /// <param name="path">Destination file; overwritten if it exists.</param>
    /// <param name="format">"png", "jpeg"/"jpg", "bmp", "webp", "ppm" or "tiff"/"tif" (case-insensitive); null to use the extension.</param>
    /// <param name="quality">JPEG/WebP quality 1-100 (PIL's <c>quality</c> option); PIL's defaults (75 JPEG, 80 WebP) when null.</param>
    public void save(string path, string? format = null, int? quality = null) => ImageEncoder.Save(this, path, format, quality);
}
