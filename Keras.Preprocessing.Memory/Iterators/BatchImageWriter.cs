using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sampling;
using NumSharp;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Keras's <c>save_to_dir</c>: each augmented image goes through <c>array_to_img(scale=True)</c> and is written as
/// <c>{prefix}_{index}_{random}.{format}</c>. The random part comes from the (seed, epoch, sample) stream, so
/// reruns write the same names; with <c>numpy_random</c> it is Keras's own <c>np.random.randint</c> draw.
/// </summary>
internal sealed class BatchImageWriter
{
    /// <summary>Keras's bound for the random part of names written by <c>flow</c>: <c>np.random.randint(1e4)</c>.</summary>
    public const int ArrayNameRange = 10_000;

    /// <summary>Keras's bound for names written by the file iterators: <c>np.random.randint(1e7)</c>.</summary>
    public const int FileNameRange = 10_000_000;

    private readonly string _directory;
    private readonly string _prefix;
    private readonly string _format;
    private readonly string _dataFormat;
    private readonly int _nameRange;

    /// <param name="directory">Existing directory to write to.</param>
    /// <param name="prefix">File name prefix.</param>
    /// <param name="format">"png", "jpeg"/"jpg", "bmp", "webp", "ppm" or "tiff"/"tif".</param>
    /// <param name="layout">Data format of the batches.</param>
    /// <param name="nameRange">Range of the random part: Keras draws randint(1e4) for arrays, randint(1e7) for files.</param>
    public BatchImageWriter(string directory, string prefix, string format, DataFormat layout, int nameRange = ArrayNameRange)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"`save_to_dir` does not exist: {directory}");
        }

        // GIF stays refused: PIL quantizes to an adaptive palette on save, which is not ported.
        if (format.ToLowerInvariant() is not ("png" or "jpeg" or "jpg" or "bmp" or "webp" or "ppm" or "tiff" or "tif"))
        {
            throw new ArgumentException($"`save_format` should be \"png\", \"jpeg\", \"bmp\", \"webp\", \"ppm\" or \"tiff\". Received: {format}", "save_format");
        }

        _directory = directory;
        _prefix = prefix;
        _format = format;
        _dataFormat = layout.ToKerasName();
        _nameRange = nameRange;
    }

    /// <summary>
    /// Writes every image of <paramref name="batch"/>; <paramref name="indices"/> name them, as Keras's j, and
    /// <paramref name="drawnNames"/>, when given (numpy_random), are the random parts Keras drew.
    /// </summary>
    public void Write(NDArray batch, int[] indices, int offset, long seed, long epoch, long[]? drawnNames = null)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            var rng = SampleRandom.For(seed, RandomStream.FileName, epoch, offset + indices[i]);
            long random = drawnNames?[i] ?? rng.NextInt64(_nameRange);
            string name = $"{_prefix}_{indices[i]}_{random}.{_format}";
            using var image = NumSharpCompat.Row(batch, i);
            ImageUtils.save_img(Path.Combine(_directory, name), image, _dataFormat, file_format: _format);
        }
    }
}
