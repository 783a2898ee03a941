using Keras.Preprocessing.Memory.Parameters;
using NumSharp;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using SkiaSharp;

namespace Keras.Preprocessing.Memory.Visualization;

/// <summary>
/// Lays out a grid of tiles, one row per source image: the original, then its augmentations. Tile (r, c ≥ 1) is the
/// sample's augmentation in epoch <c>firstEpoch + (r / images)·(cols − 1) + c − 1</c>, drawn exactly as <c>flow</c>
/// draws it (same counter-based key), so the picture shows what training will see. Each tile is scaled to 0..255
/// the way <c>array_to_img(scale=True)</c> does, and the sheet is written as an RGBA PNG.
/// </summary>
internal static class ContactSheet
{
    private const byte Background = 255;

    public static void Write(
        ImageDataGenerator generator, ImageArray source, int[] sampleIndices, long seed, long firstEpoch, int rows, int cols, int padding, string path)
    {
        var g = source.Geometry;
        if (g.Channels is not (1 or 3 or 4))
        {
            throw new ArgumentException(
                $"A preview needs images with 1, 3 or 4 channels (grayscale, RGB, RGBA); these have {g.Channels}.", "x");
        }

        int images = sampleIndices.Length;
        var originals = new SamplePlan[rows];
        var augmented = new SamplePlan[rows * (cols - 1)];
        for (int r = 0; r < rows; r++)
        {
            int sample = sampleIndices[r % images];
            originals[r] = SamplePlan.Create(sample, TransformParameters.Identity, g.Rows, g.Cols);
            for (int c = 1; c < cols; c++)
            {
                long epoch = firstEpoch + ((long)(r / images) * (cols - 1)) + c - 1;
                var rng = SampleRandom.For(seed, RandomStream.Transform, epoch, sample);
                var parameters = RandomTransformSampler.Sample(generator.Settings, g.Rows, g.Cols, ref rng);
                augmented[(r * (cols - 1)) + c - 1] = SamplePlan.Create(sample, parameters, g.Rows, g.Cols);
            }
        }

        var raw = new float[g.ElementsFor(originals.Length, "rows")];
        var warped = new float[g.ElementsFor(augmented.Length, "cols")];
        using (var engine = new CpuAugmentationEngine())
        {
            engine.Execute(generator.CreateRequest(source, originals, Standardization.None), raw);
            engine.Execute(generator.CreateRequest(source, augmented, generator.CurrentStandardization(g)), warped);
        }

        int width = (cols * g.Cols) + ((cols + 1) * padding);
        int height = (rows * g.Rows) + ((rows + 1) * padding);
        var canvas = new byte[checked(width * height * 4)];
        canvas.AsSpan().Fill(Background);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                var tile = c == 0
                    ? raw.AsSpan(r * g.Size, g.Size)
                    : warped.AsSpan(((r * (cols - 1)) + c - 1) * g.Size, g.Size);
                Blit(canvas, width, padding + (c * (g.Cols + padding)), padding + (r * (g.Rows + padding)), tile, g);
            }
        }

        Encode(canvas, width, height, path);
    }

    /// <summary>Copies one tile into the RGBA canvas; grayscale is spread over R, G and B, alpha is opaque unless given.</summary>
    private static void Blit(byte[] canvas, int canvasWidth, int left, int top, ReadOnlySpan<float> image, ImageGeometry g)
    {
        using var array = new NDArray(image.ToArray(), new Shape(g.Shape));
        var bytes = ImageUtils.array_to_img(array, g.Layout.ToKerasName()).pixels;
        for (int y = 0; y < g.Rows; y++)
        {
            for (int x = 0; x < g.Cols; x++)
            {
                int src = ((y * g.Cols) + x) * g.Channels;
                int dst = (((top + y) * canvasWidth) + left + x) * 4;
                canvas[dst] = bytes[src];
                canvas[dst + 1] = bytes[src + (g.Channels == 1 ? 0 : 1)];
                canvas[dst + 2] = bytes[src + (g.Channels == 1 ? 0 : 2)];
                canvas[dst + 3] = g.Channels == 4 ? bytes[src + 3] : (byte)255;
            }
        }
    }

    private static unsafe void Encode(byte[] rgba, int width, int height, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        fixed (byte* p = rgba)
        {
            using var pixmap = new SKPixmap(info, (nint)p, info.RowBytes);
            using var stream = File.Create(path);
            if (!pixmap.Encode(stream, SKEncodedImageFormat.Png, 100))
            {
                throw new IOException($"Could not encode the preview grid as PNG: {path}");
            }
        }
    }
}
