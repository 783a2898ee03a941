using NumSharp;
using SkiaSharp;

namespace Keras.Preprocessing.Memory.Tests;

/// <summary>Small synthetic images and PNG reading for tests that check pixels.</summary>
internal static class TestImages
{
    /// <summary>n random uint8 images of shape (rows, cols, channels), reproducible from <paramref name="seed"/>.</summary>
    public static NDArray RandomUInt8(int n, int rows, int cols, int channels, int seed)
    {
        var bytes = new byte[n * rows * cols * channels];
        new Random(seed).NextBytes(bytes);
        return new NDArray(bytes, new Shape(n, rows, cols, channels));
    }

    /// <summary>Images whose every pixel holds the image's index (so a batch tells which samples it holds).</summary>
    public static NDArray Indexed(int n, int rows = 2, int cols = 2)
    {
        var values = new float[n * rows * cols];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i / (rows * cols);
        }

        return new NDArray(values, new Shape(n, rows, cols, 1));
    }

    /// <summary>Keras's array_to_img(scale=True) in float32, as numpy computes it, as interleaved bytes.</summary>
    public static byte[] ArrayToImg(ReadOnlySpan<float> image)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in image)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        float lift = Math.Max(-min, 0f), top = max + lift;
        var bytes = new byte[image.Length];
        for (int i = 0; i < image.Length; i++)
        {
            float v = image[i] + lift;
            if (top != 0)
            {
                v /= top;
            }

            bytes[i] = (byte)(v * 255f);
        }

        return bytes;
    }

    /// <summary>Decodes a PNG to unpremultiplied RGBA bytes.</summary>
    public static unsafe (int Width, int Height, byte[] Rgba) ReadPng(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException($"Not an image: {path}");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        fixed (byte* p = rgba)
        {
            var result = codec.GetPixels(info, (nint)p);
            if (result != SKCodecResult.Success)
            {
                throw new InvalidDataException($"Could not decode {path}: {result}");
            }
        }

        return (info.Width, info.Height, rgba);
    }

    /// <summary>Encodes opaque RGB bytes (rows, cols, 3) as a PNG.</summary>
    public static unsafe void WritePng(string path, byte[] rgb, int width, int height)
    {
        var rgba = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            rgba[4 * i] = rgb[3 * i];
            rgba[(4 * i) + 1] = rgb[(3 * i) + 1];
            rgba[(4 * i) + 2] = rgb[(3 * i) + 2];
            rgba[(4 * i) + 3] = 255;
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        fixed (byte* p = rgba)
        {
            using var pixmap = new SKPixmap(info, (nint)p, info.RowBytes);
            using var stream = File.Create(path);
            if (!pixmap.Encode(stream, SKEncodedImageFormat.Png, 100))
            {
                throw new IOException($"Could not encode {path}");
            }
        }
    }

    /// <summary>The pixels of one tile of an RGBA image, as interleaved bytes of <paramref name="channels"/> (1: the R plane).</summary>
    public static byte[] Tile(byte[] rgba, int imageWidth, int left, int top, int width, int height, int channels)
    {
        var tile = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    tile[(((y * width) + x) * channels) + c] = rgba[((((top + y) * imageWidth) + left + x) * 4) + c];
                }
            }
        }

        return tile;
    }

    /// <summary>An interleaved (rows, cols, channels) image mirrored left to right.</summary>
    public static byte[] Mirror(byte[] image, int rows, int cols, int channels)
    {
        var mirrored = new byte[image.Length];
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < cols; x++)
            {
                Array.Copy(image, ((y * cols) + x) * channels, mirrored, ((y * cols) + (cols - 1 - x)) * channels, channels);
            }
        }

        return mirrored;
    }

    /// <summary>A fresh temp folder, deleted when disposed.</summary>
    public static TempDirectory TempDir() => new();

    internal sealed class TempDirectory : IDisposable
    {
        public TempDirectory() => Path = Directory.CreateTempSubdirectory("kerasmem-test-").FullName;

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A mapped or open file on a platform that refuses: the OS temp cleaner gets it.
            }
        }
    }
}
