using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sampling;
using NumSharp;
using SkiaSharp;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Keras's <c>save_to_dir</c>: each augmented image is scaled to 0..255 as <c>array_to_img(scale=True)</c> does and
/// written as <c>{prefix}_{index}_{random 0..9999}.{format}</c>.
/// </summary>
internal sealed class BatchImageWriter
{
    private readonly string _directory;
    private readonly string _prefix;
    private readonly string _format;
    private readonly SKEncodedImageFormat _encoding;
    private readonly DataFormat _layout;

    public BatchImageWriter(string directory, string prefix, string format, DataFormat layout)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"`save_to_dir` does not exist: {directory}");
        }

        _encoding = format.ToLowerInvariant() switch
        {
            "png" => SKEncodedImageFormat.Png,
            "jpeg" or "jpg" => SKEncodedImageFormat.Jpeg,
            "webp" => SKEncodedImageFormat.Webp,
            _ => throw new ArgumentException($"`save_format` should be \"png\", \"jpeg\" or \"webp\". Received: {format}", "save_format"),
        };
        _directory = directory;
        _prefix = prefix;
        _format = format;
        _layout = layout;
    }

    public void Write(NDArray batch, int[] indices, int offset, long seed, long epoch)
    {
        using var asFloat = batch.astype(NPTypeCode.Single);
        var values = asFloat.ToArray<float>();
        int size = values.Length / indices.Length;
        var shape = batch.shape;
        bool first = _layout == DataFormat.ChannelsFirst;
        int rows = (int)shape[first ? 2 : 1], cols = (int)shape[first ? 3 : 2], channels = (int)shape[first ? 1 : 3];
        for (int i = 0; i < indices.Length; i++)
        {
            var rng = SampleRandom.For(seed, RandomStream.FileName, epoch, offset + indices[i]);
            string name = $"{_prefix}_{indices[i]}_{rng.NextInt64(10_000)}.{_format}";
            var pixels = ToBytes(values.AsSpan(i * size, size), rows, cols, channels, first);
            Encode(pixels, rows, cols, channels, Path.Combine(_directory, name));
        }
    }

    /// <summary>array_to_img's scaling: lift negatives to 0, divide by the max, times 255, truncate; as interleaved bytes.</summary>
    internal static byte[] ToBytes(ReadOnlySpan<float> image, int rows, int cols, int channels, bool channelsFirst)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in image)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        float lift = Math.Max(-min, 0);
        float top = max + lift;
        var bytes = new byte[rows * cols * channels];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    float v = channelsFirst ? image[(ch * rows * cols) + (r * cols) + c] : image[(((r * cols) + c) * channels) + ch];
                    v += lift;
                    if (top != 0)
                    {
                        v /= top;
                    }

                    v *= 255f;
                    bytes[(((r * cols) + c) * channels) + ch] = (byte)Math.Clamp((int)v, 0, 255);
                }
            }
        }

        return bytes;
    }

    private void Encode(byte[] pixels, int rows, int cols, int channels, string path)
    {
        if (channels is not (1 or 3 or 4))
        {
            throw new ArgumentException($"Unsupported channel number: {channels}", "save_to_dir");
        }

        var info = new SKImageInfo(cols, rows, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888,
            channels == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var data = channels == 3 ? ToRgba(pixels) : pixels;
        using var bitmap = new SKBitmap();
        unsafe
        {
            fixed (byte* p = data)
            {
                using var pixmap = new SKPixmap(info, (nint)p, info.RowBytes);
                using var stream = File.Create(path);
                if (!pixmap.Encode(stream, _encoding, 95))
                {
                    throw new IOException($"Could not encode {path} as {_format}.");
                }
            }
        }
    }

    private static byte[] ToRgba(byte[] rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }

        return rgba;
    }
}
