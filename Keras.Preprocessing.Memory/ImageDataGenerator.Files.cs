using Keras.Preprocessing.Memory.Iterators;
using Microsoft.Data.Analysis;
using Microsoft.Extensions.Logging;

namespace Keras.Preprocessing.Memory;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// Takes a DataFrame of image file names (or encoded image bytes) and labels, and generates batches of augmented
    /// data (Keras <c>flow_from_dataframe</c>). Classes are inferred from <paramref name="y_col"/> and sorted as Keras
    /// sorts them; with <paramref name="validate_filenames"/>, rows that are not readable images are dropped with a
    /// warning. With <paramref name="cache"/>, every image is decoded once into memory, in parallel.
    /// </summary>
    /// <param name="dataframe">The table: one row per image.</param>
    /// <param name="directory">Directory the file names are relative to, or null for paths as given.</param>
    /// <param name="x_col">Column of file names — or of encoded image bytes (byte[], ReadOnlyMemory&lt;byte&gt;, or a VBufferDataFrameColumn&lt;byte&gt;).</param>
    /// <param name="y_col">Label column (default "class"), or a list of columns for "multi_output" and "raw".</param>
    /// <param name="weight_col">Numeric column of sample weights, or null.</param>
    /// <param name="target_size">(height, width) every image is resized to; null means Keras's default (256, 256).</param>
    /// <param name="color_mode">"grayscale", "rgb" or "rgba".</param>
    /// <param name="classes">Class names to keep (others dropped), or null to infer them.</param>
    /// <param name="class_mode">"categorical", "binary", "sparse", "input", "multi_output", "raw" or null ("other", deprecated in Keras, means "raw").</param>
    /// <param name="batch_size">Samples per batch.</param>
    /// <param name="shuffle">Whether to shuffle each epoch.</param>
    /// <param name="seed">Random seed for shuffling and augmentation.</param>
    /// <param name="save_to_dir">Directory to save augmented images to, or null.</param>
    /// <param name="save_prefix">Prefix of saved file names.</param>
    /// <param name="save_format">"png", "jpeg"/"jpg", "bmp", "webp", "ppm" or "tiff"/"tif".</param>
    /// <param name="subset">"training" or "validation" when <see cref="validation_split"/> is set.</param>
    /// <param name="interpolation">"nearest", "bilinear", "bicubic", "lanczos", "box" or "hamming" (PIL's filters).</param>
    /// <param name="validate_filenames">Drop rows whose file is missing, not an image, too large, or outside <paramref name="directory"/>, with a warning.</param>
    /// <param name="keep_aspect_ratio">Crop the centre to the target aspect ratio before resizing (newer Keras).</param>
    /// <param name="cache">Decode every image once, in parallel, into one uint8 array; epochs then never touch the disk.</param>
    /// <param name="progress">Receives decode progress while caching.</param>
    /// <param name="allow_outside_directory">Allow file names that resolve outside <paramref name="directory"/> (e.g. with "..").</param>
    /// <param name="workers">Threads for decoding and augmenting (default: all cores).</param>
    /// <param name="prefetch">Batches computed ahead in the background (default 0).</param>
    /// <param name="device">"auto" (default), "cpu", or a GPU ("gpu", "gpu:N") — a GPU needs <paramref name="cache"/>, and then holds the decoded dataset.</param>
    /// <param name="logger">Where this call's "Found ..." line and warnings go (default: <see cref="logger"/>, else <see cref="KerasLogging.Logger"/>).</param>
    /// <param name="has_ext">Deprecated in Keras and ignored, with Keras's warning: file names must match the files on disk.</param>
    /// <param name="sort">Deprecated in Keras and ignored, with Keras's warning: without shuffling, batches follow the rows' order.</param>
    /// <param name="drop_duplicates">Deprecated in Keras and ignored, with Keras's warning: duplicate rows are kept (drop them from the DataFrame first).</param>
    public DataFrameIterator flow_from_dataframe(
        DataFrame dataframe,
        string? directory = null,
        string x_col = "filename",
        ColumnNames? y_col = null,
        string? weight_col = null,
        (int height, int width)? target_size = null,
        string color_mode = "rgb",
        IReadOnlyList<string>? classes = null,
        string? class_mode = "categorical",
        int batch_size = 32,
        bool shuffle = true,
        int? seed = null,
        string? save_to_dir = null,
        string save_prefix = "",
        string save_format = "png",
        string? subset = null,
        string interpolation = "nearest",
        bool validate_filenames = true,
        bool keep_aspect_ratio = false,
        bool cache = false,
        IProgress<DecodeProgress>? progress = null,
        bool allow_outside_directory = false,
        int workers = -1,
        int prefetch = 0,
        string device = "auto",
        ILogger? logger = null,
        bool? has_ext = null,
        bool? sort = null,
        bool? drop_duplicates = null)
    {
        var options = FileOptions(target_size, color_mode, batch_size, shuffle, seed, save_to_dir, save_prefix, save_format, interpolation, keep_aspect_ratio, cache, progress, workers, prefetch, device);
        using var scope = KerasLogging.Use(logger ?? this.logger);

        // Keras accepts these old keyword arguments (through **kwargs) and class_mode "other" with a DeprecationWarning,
        // so scripts written for keras-preprocessing 1.0 still run; the warnings are Keras's words (missing spaces included).
        if (has_ext is not null)
        {
            KerasWarnings.Warn("has_ext is deprecated, filenames in the dataframe have to match the exact filenames in disk.");
        }

        if (sort is not null)
        {
            KerasWarnings.Warn("sort is deprecated, batches will be created in thesame order than the filenames provided if shuffleis set to False.");
        }

        if (class_mode == "other")
        {
            KerasWarnings.Warn("`class_mode` \"other\" is deprecated, please use `class_mode` \"raw\".");
            class_mode = "raw";
        }

        if (drop_duplicates is not null)
        {
            KerasWarnings.Warn("drop_duplicates is deprecated, you can drop duplicates by using the pandas.DataFrame.drop_duplicates method.");
        }

        return new DataFrameIterator(this, new DataFrameRequest(
            dataframe, directory, x_col, y_col ?? "class", weight_col, classes, class_mode, SubsetSplit(subset), validate_filenames, allow_outside_directory, options));
    }

    /// <summary>
    /// Takes the path to a directory with one sub-directory per class and generates batches of augmented data
    /// (Keras <c>flow_from_directory</c>). With <paramref name="cache"/>, every image is decoded once into memory.
    /// </summary>
    /// <param name="directory">The directory holding one sub-directory per class.</param>
    /// <param name="target_size">(height, width); null means Keras's default (256, 256).</param>
    /// <param name="color_mode">"grayscale", "rgb" or "rgba".</param>
    /// <param name="classes">Sub-directory names to use as classes, in this order, or null for all, sorted.</param>
    /// <param name="class_mode">"categorical", "binary", "sparse", "input" or null.</param>
    /// <param name="batch_size">Samples per batch.</param>
    /// <param name="shuffle">Whether to shuffle each epoch.</param>
    /// <param name="seed">Random seed for shuffling and augmentation.</param>
    /// <param name="save_to_dir">Directory to save augmented images to, or null.</param>
    /// <param name="save_prefix">Prefix of saved file names.</param>
    /// <param name="save_format">"png", "jpeg"/"jpg", "bmp", "webp", "ppm" or "tiff"/"tif".</param>
    /// <param name="follow_links">Whether to follow symbolic links inside class sub-directories.</param>
    /// <param name="subset">"training" or "validation" when <see cref="validation_split"/> is set.</param>
    /// <param name="interpolation">"nearest", "bilinear", "bicubic", "lanczos", "box" or "hamming".</param>
    /// <param name="keep_aspect_ratio">Crop the centre to the target aspect ratio before resizing (newer Keras).</param>
    /// <param name="cache">Decode every image once, in parallel, into one uint8 array.</param>
    /// <param name="progress">Receives decode progress while caching.</param>
    /// <param name="workers">Threads for decoding and augmenting (default: all cores).</param>
    /// <param name="prefetch">Batches computed ahead in the background (default 0).</param>
    /// <param name="device">"auto" (default), "cpu", or a GPU ("gpu", "gpu:N") — a GPU needs <paramref name="cache"/>, and then holds the decoded dataset.</param>
    /// <param name="logger">Where this call's "Found ..." line and warnings go (default: <see cref="logger"/>, else <see cref="KerasLogging.Logger"/>).</param>
    public DirectoryIterator flow_from_directory(
        string directory,
        (int height, int width)? target_size = null,
        string color_mode = "rgb",
        IReadOnlyList<string>? classes = null,
        string? class_mode = "categorical",
        int batch_size = 32,
        bool shuffle = true,
        int? seed = null,
        string? save_to_dir = null,
        string save_prefix = "",
        string save_format = "png",
        bool follow_links = false,
        string? subset = null,
        string interpolation = "nearest",
        bool keep_aspect_ratio = false,
        bool cache = false,
        IProgress<DecodeProgress>? progress = null,
        int workers = -1,
        int prefetch = 0,
        string device = "auto",
        ILogger? logger = null)
    {
        var options = FileOptions(target_size, color_mode, batch_size, shuffle, seed, save_to_dir, save_prefix, save_format, interpolation, keep_aspect_ratio, cache, progress, workers, prefetch, device);
        using var scope = KerasLogging.Use(logger ?? this.logger);
        return new DirectoryIterator(this, new DirectoryRequest(directory, classes, class_mode, follow_links, SubsetSplit(subset), options));
    }

    private static FileIteratorOptions FileOptions(
        (int height, int width)? targetSize, string colorMode, int batchSize, bool shuffle, int? seed, string? saveToDir, string savePrefix,
        string saveFormat, string interpolation, bool keepAspectRatio, bool cache, IProgress<DecodeProgress>? progress, int workers, int prefetch, string device)
    {
        if (colorMode is not ("rgb" or "rgba" or "grayscale"))
        {
            throw new ArgumentException($"Invalid color mode: {colorMode}; expected \"rgb\", \"rgba\", or \"grayscale\".", "color_mode");
        }

        var size = targetSize ?? (256, 256);
        if (size.height < 1 || size.width < 1)
        {
            throw new ArgumentException($"`target_size` should be two positive integers (height, width). Received ({size.height}, {size.width})", "target_size");
        }

        return new FileIteratorOptions(size, colorMode, batchSize, shuffle, seed, saveToDir, savePrefix, saveFormat, interpolation, keepAspectRatio, cache, progress, workers, prefetch, device);
    }

    /// <summary>Keras's split for file iterators: validation is the first fraction, training the rest.</summary>
    private (double Start, double Stop)? SubsetSplit(string? subset)
    {
        if (subset is null)
        {
            return null;
        }

        if (subset is not ("training" or "validation"))
        {
            throw new ArgumentException($"Invalid subset name: {subset};expected \"training\" or \"validation\"", nameof(subset));
        }

        if (validation_split == 0)
        {
            throw new ArgumentException(
                $"`subset` is \"{subset}\" but the ImageDataGenerator has no `validation_split`: set validation_split to split the data.", nameof(subset));
        }

        return subset == "validation" ? (0, validation_split) : (validation_split, 1);
    }

    /// <summary>
    /// Where this generator's messages go ("Found N images belonging to M classes.", warnings): null (default) means
    /// <see cref="KerasLogging.Logger"/>, which prints like Keras; <c>NullLogger.Instance</c> silences them.
    /// Not a Keras parameter (Keras prints).
    /// </summary>
    public ILogger? logger { get; set; }
}
