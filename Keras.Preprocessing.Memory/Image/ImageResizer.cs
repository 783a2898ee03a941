namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// PIL's <c>Image.resize</c> for 8-bit L/RGB/RGBA images: the same shortcuts, the
/// premultiplied detour for RGBA with a convolution filter, then NEAREST or convolution.
/// </summary>
internal static class ImageResizer
{
    public static byte[] Resize(
        ReadOnlySpan<byte> pixels, int width, int height, ImageMode mode,
        int outWidth, int outHeight, Interpolation interpolation, ResizeBox box)
    {
        if (outWidth <= 0 || outHeight <= 0)
        {
            throw new ArgumentException("height and width must be > 0", "size");
        }
        box.Validate(width, height);
        int channels = mode.Channels();

        if (outWidth == width && outHeight == height && box.IsFull(width, height))
        {
            return pixels.ToArray();
        }
        if (mode == ImageMode.RGBA && interpolation != Interpolation.Nearest)
        {
            // PIL filters RGBA premultiplied ("RGBa") so transparent pixels do not bleed their
            // colour, and converts back even when the resize turns out to be a crop.
            byte[] premultiplied = pixels.ToArray();
            PixelConversions.Premultiply(premultiplied);
            byte[] resized = ResizeChannels(premultiplied, width, height, 4, outWidth, outHeight, interpolation, box);
            PixelConversions.Unpremultiply(resized);
            return resized;
        }
        return ResizeChannels(pixels, width, height, channels, outWidth, outHeight, interpolation, box);
    }

    /// <summary>The C half of PIL's resize (<c>_resize</c>): crop shortcut, NEAREST, or convolution.</summary>
    private static byte[] ResizeChannels(
        ReadOnlySpan<byte> pixels, int width, int height, int channels,
        int outWidth, int outHeight, Interpolation interpolation, ResizeBox box)
    {
        // An integral box the size of the output is a plain crop.
        if (IsIntegral(box) && box.Right - box.Left == outWidth && box.Lower - box.Upper == outHeight)
        {
            return Crop(pixels, width, channels, (int)box.Left, (int)box.Upper, outWidth, outHeight);
        }
        if (interpolation == Interpolation.Nearest)
        {
            return NearestResampler.Resize(pixels, width, height, channels, outWidth, outHeight, box);
        }
        return ConvolutionResampler.Resize(
            pixels, width, height, channels, outWidth, outHeight, ResampleFilter.For(interpolation), box);
    }

    private static bool IsIntegral(ResizeBox box) =>
        box.Left == MathF.Floor(box.Left) && box.Upper == MathF.Floor(box.Upper) &&
        box.Right == MathF.Floor(box.Right) && box.Lower == MathF.Floor(box.Lower);

    private static byte[] Crop(ReadOnlySpan<byte> pixels, int width, int channels, int left, int upper, int outWidth, int outHeight)
    {
        byte[] output = GC.AllocateUninitializedArray<byte>(outWidth * outHeight * channels);
        int stride = width * channels;
        int outStride = outWidth * channels;
        for (int y = 0; y < outHeight; y++)
        {
            pixels.Slice((upper + y) * stride + left * channels, outStride).CopyTo(output.AsSpan(y * outStride, outStride));
        }
        return output;
    }
}
