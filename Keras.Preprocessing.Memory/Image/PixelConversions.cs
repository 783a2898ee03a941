namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// The mode conversions PIL's <c>Image.convert</c> performs between L, RGB and RGBA
/// (Convert.c), bit for bit, plus the premultiplied "RGBa" round trip PIL's resize uses.
/// </summary>
internal static class PixelConversions
{
    /// <summary>Converts interleaved pixels between modes; returns a new buffer.</summary>
    public static byte[] Convert(ReadOnlySpan<byte> source, ImageMode from, ImageMode to)
    {
        int pixels = source.Length / from.Channels();
        byte[] output = GC.AllocateUninitializedArray<byte>(pixels * to.Channels());
        Convert(source, from, output, to);
        return output;
    }

    /// <summary>Converts into <paramref name="destination"/>, which must hold exactly the converted pixels.</summary>
    public static void Convert(ReadOnlySpan<byte> source, ImageMode from, Span<byte> destination, ImageMode to)
    {
        switch (from, to)
        {
            case (ImageMode.L, ImageMode.L):
            case (ImageMode.RGB, ImageMode.RGB):
            case (ImageMode.RGBA, ImageMode.RGBA):
                source.CopyTo(destination);
                break;
            case (ImageMode.L, _):
                GrayToColor(source, destination, to.Channels());
                break;
            case (ImageMode.RGB, ImageMode.L):
                ColorToGray(source, 3, destination);
                break;
            case (ImageMode.RGBA, ImageMode.L):
                ColorToGray(source, 4, destination);
                break;
            case (ImageMode.RGB, ImageMode.RGBA):
                RgbToRgba(source, destination);
                break;
            case (ImageMode.RGBA, ImageMode.RGB):
                RgbaToRgb(source, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(to));
        }
    }

    /// <summary>ITU-R 601-2 luma in PIL's 16-bit fixed point (L24), rounded.</summary>
    public static byte Luma(int r, int g, int b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    private static void ColorToGray(ReadOnlySpan<byte> source, int channels, Span<byte> destination)
    {
        for (int i = 0, s = 0; i < destination.Length; i++, s += channels)
        {
            destination[i] = Luma(source[s], source[s + 1], source[s + 2]);
        }
    }

    private static void GrayToColor(ReadOnlySpan<byte> source, Span<byte> destination, int channels)
    {
        for (int i = 0, d = 0; i < source.Length; i++, d += channels)
        {
            byte v = source[i];
            destination[d] = v;
            destination[d + 1] = v;
            destination[d + 2] = v;
            if (channels == 4)
            {
                destination[d + 3] = 255;
            }
        }
    }

    /// <summary>
    /// Expands gray bytes held at the start of <paramref name="buffer"/> to RGB or RGBA in place,
    /// walking backwards so no source byte is overwritten before it is read.
    /// </summary>
    public static void ExpandGrayInPlace(Span<byte> buffer, int pixels, int channels)
    {
        if (channels == 1)
        {
            return;
        }
        for (int i = pixels - 1, d = (pixels - 1) * channels; i >= 0; i--, d -= channels)
        {
            byte v = buffer[i];
            if (channels == 4)
            {
                buffer[d + 3] = 255;
            }
            buffer[d + 2] = v;
            buffer[d + 1] = v;
            buffer[d] = v;
        }
    }

    private static void RgbToRgba(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        for (int s = 0, d = 0; s < source.Length; s += 3, d += 4)
        {
            destination[d] = source[s];
            destination[d + 1] = source[s + 1];
            destination[d + 2] = source[s + 2];
            destination[d + 3] = 255;
        }
    }

    private static void RgbaToRgb(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        for (int s = 0, d = 0; d < destination.Length; s += 4, d += 3)
        {
            destination[d] = source[s];
            destination[d + 1] = source[s + 1];
            destination[d + 2] = source[s + 2];
        }
    }

    /// <summary>RGBA to PIL's premultiplied "RGBa" (<c>rgbA2rgba</c>: MULDIV255 with rounding).</summary>
    public static void Premultiply(Span<byte> rgba)
    {
        for (int i = 0; i < rgba.Length; i += 4)
        {
            int alpha = rgba[i + 3];
            rgba[i] = MulDiv255(rgba[i], alpha);
            rgba[i + 1] = MulDiv255(rgba[i + 1], alpha);
            rgba[i + 2] = MulDiv255(rgba[i + 2], alpha);
        }
    }

    /// <summary>PIL's "RGBa" back to RGBA (<c>rgba2rgbA</c>): truncating division, clipped to 255.</summary>
    public static void Unpremultiply(Span<byte> rgba)
    {
        for (int i = 0; i < rgba.Length; i += 4)
        {
            int alpha = rgba[i + 3];
            if (alpha == 255 || alpha == 0)
            {
                continue;
            }
            rgba[i] = (byte)Math.Min(255 * rgba[i] / alpha, 255);
            rgba[i + 1] = (byte)Math.Min(255 * rgba[i + 1] / alpha, 255);
            rgba[i + 2] = (byte)Math.Min(255 * rgba[i + 2] / alpha, 255);
        }
    }

    private static byte MulDiv255(int a, int b)
    {
        int tmp = a * b + 128;
        return (byte)(((tmp >> 8) + tmp) >> 8);
    }
}
