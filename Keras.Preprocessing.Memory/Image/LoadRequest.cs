namespace Keras.Preprocessing.Memory.Image;

/// <summary>Validated <c>load_img</c> options and the decode, convert, resize sequence Keras runs.</summary>
internal readonly struct LoadRequest
{
    private readonly ImageMode _mode;
    private readonly (int Height, int Width)? _targetSize;
    private readonly Interpolation _interpolation;
    private readonly bool _keepAspectRatio;

    private LoadRequest(ImageMode mode, (int, int)? targetSize, Interpolation interpolation, bool keepAspectRatio)
    {
        _mode = mode;
        _targetSize = targetSize;
        _interpolation = interpolation;
        _keepAspectRatio = keepAspectRatio;
    }

    public static LoadRequest Create(
        bool grayscale, string color_mode, (int height, int width)? target_size, string interpolation, bool keep_aspect_ratio)
    {
        ArgumentNullException.ThrowIfNull(color_mode);
        if (grayscale)
        {
            KerasWarnings.Warn("grayscale is deprecated. Please use color_mode = \"grayscale\"");
        }

        ImageMode mode = grayscale ? ImageMode.L : ImageModes.ParseColorMode(color_mode, nameof(color_mode));
        var method = Interpolation.Nearest;
        if (target_size is { } size)
        {
            if (size.height <= 0 || size.width <= 0)
            {
                throw new ArgumentException($"height and width must be > 0, got target_size ({size.height}, {size.width})", nameof(target_size));
            }
            ArgumentNullException.ThrowIfNull(interpolation);
            method = InterpolationNames.Parse(interpolation, nameof(interpolation));
        }
        return new LoadRequest(mode, target_size, method, keep_aspect_ratio);
    }

    public KerasImage Load(ReadOnlySpan<byte> encoded, string source)
    {
        KerasImage img = ImageDecoder.Decode(encoded, source, _mode);
        if (_targetSize is not { } target || (img.width == target.Width && img.height == target.Height))
        {
            return img;
        }
        ResizeBox box = _keepAspectRatio
            ? CenterCropBox(img.width, img.height, target.Width, target.Height)
            : ResizeBox.Full(img.width, img.height);
        byte[] resized = ImageResizer.Resize(img.pixels, img.width, img.height, img.Mode, target.Width, target.Height, _interpolation, box);
        return new KerasImage(resized, target.Width, target.Height, img.Mode);
    }

    /// <summary>Keras 2.x keep_aspect_ratio: the largest centred box with the target's aspect ratio.</summary>
    private static ResizeBox CenterCropBox(int width, int height, int targetWidth, int targetHeight)
    {
        int cropHeight = (int)Math.Min(height, (long)width * targetHeight / targetWidth);
        int cropWidth = (int)Math.Min(width, (long)height * targetWidth / targetHeight);
        int top = (height - cropHeight) / 2;
        int left = (width - cropWidth) / 2;
        return new ResizeBox(left, top, left + cropWidth, top + cropHeight);
    }
}
