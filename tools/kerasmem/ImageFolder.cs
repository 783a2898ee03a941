using NumSharp;
using SkiaSharp;

namespace KerasMem;

/// <summary>
/// The tool's own tiny image loader (SkiaSharp decode, nearest or bilinear resize, Keras color modes) until the
/// library's ImageUtils.load_img replaces it. Deliberately self-contained so that swap touches nothing else.
/// </summary>
internal static class ImageFolder
{
    /// <summary>The file types Keras's directory iterators accept that SkiaSharp can decode.</summary>
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Image files under <paramref name="directory"/> (class subfolders included), in a stable order.</summary>
    public static string[] List(string directory) => Directory
        .EnumerateFiles(directory, "*", SearchOption.AllDirectories)
        .Where(IsImage)
        .OrderBy(p => Path.GetRelativePath(directory, p), StringComparer.Ordinal)
        .ToArray();

    public static int Channels(string colorMode) => colorMode switch
    {
        "grayscale" => 1,
        "rgba" => 4,
        _ => 3,
    };

    /// <summary>The pixel size of an image file, read from its header.</summary>
    public static ImageSize SizeOf(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException($"not a decodable image: {path}");
        return new ImageSize(codec.Info.Height, codec.Info.Width);
    }

    /// <summary>Decodes images into one uint8 array (n, height, width, channels).</summary>
    public static NDArray Load(IReadOnlyList<string> paths, ImageSize size, string colorMode, string interpolation, ProgressBar? progress = null)
    {
        int channels = Channels(colorMode);
        long imageBytes = (long)size.Height * size.Width * channels;
        var data = new byte[checked(paths.Count * imageBytes)];
        for (int i = 0; i < paths.Count; i++)
        {
            Decode(paths[i], size, colorMode, interpolation, data.AsSpan((int)(i * imageBytes), (int)imageBytes));
            progress?.Report(i + 1);
        }

        return new NDArray(data, new Shape(paths.Count, size.Height, size.Width, channels));
    }

    /// <summary>Decodes one image, resized to <paramref name="size"/>, into <paramref name="destination"/> as interleaved bytes.</summary>
    public static unsafe void Decode(string path, ImageSize size, string colorMode, string interpolation, Span<byte> destination)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException($"not a decodable image: {path}");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        fixed (byte* p = rgba)
        {
            var result = codec.GetPixels(info, (nint)p);
            if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            {
                throw new InvalidDataException($"could not decode {path}: {result}");
            }
        }

        var resized = info.Width == size.Width && info.Height == size.Height
            ? rgba
            : Resize(rgba, info.Width, info.Height, size, interpolation == "bilinear");
        int channels = Channels(colorMode);
        for (int i = 0, pixels = size.Width * size.Height; i < pixels; i++)
        {
            var px = resized.AsSpan(i * 4, 4);
            if (channels == 1)
            {
                // PIL's "L" conversion (ITU-R 601-2 luma), as Keras's load_img(color_mode="grayscale") does.
                destination[i] = (byte)(((px[0] * 299) + (px[1] * 587) + (px[2] * 114)) / 1000);
            }
            else
            {
                px[..channels].CopyTo(destination.Slice(i * channels, channels));
            }
        }
    }

    /// <summary>Pixel-center resampling: nearest takes the covering source pixel, bilinear blends the four around it.</summary>
    private static byte[] Resize(byte[] rgba, int width, int height, ImageSize size, bool bilinear)
    {
        var output = new byte[size.Width * size.Height * 4];
        double sx = (double)width / size.Width, sy = (double)height / size.Height;
        for (int y = 0; y < size.Height; y++)
        {
            double fy = ((y + 0.5) * sy) - 0.5;
            for (int x = 0; x < size.Width; x++)
            {
                double fx = ((x + 0.5) * sx) - 0.5;
                int o = ((y * size.Width) + x) * 4;
                if (!bilinear)
                {
                    int nx = Math.Clamp((int)((x + 0.5) * sx), 0, width - 1), ny = Math.Clamp((int)((y + 0.5) * sy), 0, height - 1);
                    rgba.AsSpan(((ny * width) + nx) * 4, 4).CopyTo(output.AsSpan(o, 4));
                    continue;
                }

                int x0 = (int)Math.Floor(fx), y0 = (int)Math.Floor(fy);
                double ax = fx - x0, ay = fy - y0;
                int xa = Math.Clamp(x0, 0, width - 1), xb = Math.Clamp(x0 + 1, 0, width - 1);
                int ya = Math.Clamp(y0, 0, height - 1), yb = Math.Clamp(y0 + 1, 0, height - 1);
                for (int c = 0; c < 4; c++)
                {
                    double top = (rgba[(((ya * width) + xa) * 4) + c] * (1 - ax)) + (rgba[(((ya * width) + xb) * 4) + c] * ax);
                    double bottom = (rgba[(((yb * width) + xa) * 4) + c] * (1 - ax)) + (rgba[(((yb * width) + xb) * 4) + c] * ax);
                    output[o + c] = (byte)Math.Clamp(Math.Round((top * (1 - ay)) + (bottom * ay)), 0, 255);
                }
            }
        }

        return output;
    }
}
