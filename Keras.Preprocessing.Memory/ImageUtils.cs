using Keras.Preprocessing.Memory.Image;
using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Keras's image I/O utilities (<c>keras.utils.load_img</c>, <c>img_to_array</c>, <c>array_to_img</c>,
/// <c>save_img</c>; <c>keras_preprocessing.image.utils</c>) on SkiaSharp, returning the same pixels
/// as Keras on Pillow 9.4: decoding, PIL's mode conversions and PIL's resize filters are reproduced
/// exactly.
/// </summary>
public static class ImageUtils
{
    private const string BytesSource = "<bytes>";

    /// <summary>
    /// Largest width * height that <see cref="load_img"/> and <see cref="decode_image"/> will decode
    /// (PIL's <c>Image.MAX_IMAGE_PIXELS</c>, default 89,478,485); null disables the check. Larger
    /// images raise <see cref="DecompressionBombException"/> before any pixel is decoded. PIL only
    /// warns between this and twice this; here the limit is the limit.
    /// </summary>
    public static long? max_image_pixels
    {
        get => PixelLimit.Value;
        set => PixelLimit.Value = value;
    }

    /// <summary>
    /// Loads an image file, as Keras's <c>load_img</c>: decode, convert to <paramref name="color_mode"/>
    /// like PIL's <c>Image.convert</c>, then resize to <paramref name="target_size"/> like PIL's
    /// <c>Image.resize</c>. EXIF orientation is not applied, as in Keras.
    /// </summary>
    /// <param name="path">Path to a PNG, JPEG, BMP, GIF (first frame) or WebP file.</param>
    /// <param name="grayscale">Deprecated in Keras: same as <c>color_mode = "grayscale"</c>.</param>
    /// <param name="color_mode">"grayscale", "rgb" or "rgba".</param>
    /// <param name="target_size">(img_height, img_width), or null to keep the original size.</param>
    /// <param name="interpolation">"nearest", "bilinear", "bicubic", "hamming", "box" or "lanczos";
    /// checked whenever <paramref name="target_size"/> is given.</param>
    /// <param name="keep_aspect_ratio">Crop the centre of the image to the target aspect ratio before resizing (Keras 2.x).</param>
    /// <returns>The image in mode "L", "RGB" or "RGBA".</returns>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ImageDecodeException">Empty, unrecognised, truncated or corrupt file.</exception>
    /// <exception cref="DecompressionBombException">More pixels than <see cref="max_image_pixels"/>.</exception>
    /// <exception cref="ArgumentException">Invalid <paramref name="color_mode"/>, <paramref name="interpolation"/> or <paramref name="target_size"/>.</exception>
    public static KerasImage load_img(
        string path,
        bool grayscale = false,
        string color_mode = "rgb",
        (int height, int width)? target_size = null,
        string interpolation = "nearest",
        bool keep_aspect_ratio = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var request = LoadRequest.Create(grayscale, color_mode, target_size, interpolation, keep_aspect_ratio);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"No such file or directory: '{path}'", path);
        }

        if (File.Exists(path))
        {
            RegularFile.Require(path); // a FIFO would block the read forever
        }
        return request.Load(File.ReadAllBytes(path), path);
    }

    /// <summary>
    /// <see cref="load_img"/> for an encoded image already in memory (what Keras does with
    /// <c>load_img(io.BytesIO(data))</c>).
    /// </summary>
    /// <param name="bytes">PNG, JPEG, BMP, GIF or WebP file contents.</param>
    /// <param name="grayscale">Deprecated in Keras: same as <c>color_mode = "grayscale"</c>.</param>
    /// <param name="color_mode">"grayscale", "rgb" or "rgba".</param>
    /// <param name="target_size">(img_height, img_width), or null to keep the original size.</param>
    /// <param name="interpolation">"nearest", "bilinear", "bicubic", "hamming", "box" or "lanczos".</param>
    /// <param name="keep_aspect_ratio">Crop the centre to the target aspect ratio before resizing.</param>
    /// <returns>The image in mode "L", "RGB" or "RGBA".</returns>
    /// <exception cref="ImageDecodeException">Empty, unrecognised, truncated or corrupt data.</exception>
    /// <exception cref="DecompressionBombException">More pixels than <see cref="max_image_pixels"/>.</exception>
    public static KerasImage decode_image(
        byte[] bytes,
        bool grayscale = false,
        string color_mode = "rgb",
        (int height, int width)? target_size = null,
        string interpolation = "nearest",
        bool keep_aspect_ratio = false)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return LoadRequest.Create(grayscale, color_mode, target_size, interpolation, keep_aspect_ratio).Load(bytes, BytesSource);
    }

    /// <summary>Converts an image to a 3D array, as Keras's <c>img_to_array</c>.</summary>
    /// <param name="img">The image.</param>
    /// <param name="data_format">"channels_last" for (height, width, channels) or "channels_first" for (channels, height, width).</param>
    /// <param name="dtype">numpy dtype name of the result, "float32" by default.</param>
    /// <returns>A new array owned by the caller; grayscale images get a channel axis of 1.</returns>
    public static NDArray img_to_array(KerasImage img, string data_format = "channels_last", string dtype = "float32")
    {
        ArgumentNullException.ThrowIfNull(img);
        bool channelsFirst = ParseDataFormat(data_format, "Unknown data_format: ");
        return ImageArrays.ToNDArray(img, channelsFirst, ParseDType(dtype));
    }

    /// <summary>
    /// Converts a 3D array to an image, as Keras's <c>array_to_img</c> (keras_preprocessing 1.1.0):
    /// with <paramref name="scale"/>, values are shifted up by -min when negative, divided by the max
    /// (unless 0) and multiplied by 255, in <paramref name="dtype"/> arithmetic; then cast to uint8 the
    /// way numpy does (truncation, wrapping modulo 256). 1, 3 and 4 channels give L, RGB and RGBA.
    /// </summary>
    /// <param name="x">Array of shape (height, width, channels) or (channels, height, width); any numeric dtype.</param>
    /// <param name="data_format">"channels_last" or "channels_first".</param>
    /// <param name="scale">Whether to rescale values into [0, 255].</param>
    /// <param name="dtype">"float32" (default) or "float64": the precision of the scaling arithmetic. Any other numeric
    /// numpy dtype converts x first as Keras's <c>np.asarray(x, dtype)</c> does: "float16" rounds it (then scales in
    /// float32); an integer dtype or "bool" truncates it, and then takes <paramref name="scale"/> = false only, since
    /// Keras's in-place scaling fails on integers (an all-zero image excepted).</param>
    /// <exception cref="ArgumentException">Rank other than 3, unknown data_format, a channel count other than 1, 3 or 4,
    /// or scaling a non-zero image held in an integer dtype.</exception>
    public static KerasImage array_to_img(NDArray x, string data_format = "channels_last", bool scale = true, string dtype = "float32")
    {
        ArgumentNullException.ThrowIfNull(x);
        NPTypeCode type = ParseDType(dtype);
        if (x.ndim != 3)
        {
            throw new ArgumentException(
                $"Expected image array to have rank 3 (single image). Got array with shape: ({string.Join(", ", x.shape)})", nameof(x));
        }
        bool channelsFirst = ParseDataFormat(data_format, "Invalid data_format: ");
        if (type is not (NPTypeCode.Single or NPTypeCode.Double))
        {
            // Keras's np.asarray(x, dtype) first: the image's values as that dtype holds them, as float32 (exact for
            // them), then the float path; integers leave it unscaled (see OtherDTypeValues).
            using var values = OtherDTypeValues(x, dtype, scale, out bool stillScale);
            return ImageArrays.FromNDArray<float>(values, channelsFirst, stillScale, NPTypeCode.Single);
        }

        return type == NPTypeCode.Double
            ? ImageArrays.FromNDArray<double>(x, channelsFirst, scale, type)
            : ImageArrays.FromNDArray<float>(x, channelsFirst, scale, type);
    }

    /// <summary>
    /// Saves an array as an image file, as Keras's <c>save_img</c>: <see cref="array_to_img"/>, then
    /// PNG, JPEG, BMP or WebP by <paramref name="file_format"/> or the file extension. RGBA arrays
    /// saved as JPEG are converted to RGB first, with Keras's warning (Keras does that only when file_format says jpg;
    /// from the extension alone PIL refuses to write RGBA as JPEG).
    /// </summary>
    /// <param name="path">Destination file; overwritten if it exists.</param>
    /// <param name="x">Array of shape (height, width, channels) or (channels, height, width).</param>
    /// <param name="data_format">"channels_last" or "channels_first".</param>
    /// <param name="file_format">"png", "jpeg"/"jpg", "bmp", "webp", "ppm" or "tiff"/"tif"; null to use the extension.</param>
    /// <param name="scale">Whether to rescale values into [0, 255].</param>
    /// <param name="quality">JPEG/WebP quality (PIL's <c>quality</c> keyword); PIL's defaults when null.</param>
    public static void save_img(
        string path,
        NDArray x,
        string data_format = "channels_last",
        string? file_format = null,
        bool scale = true,
        int? quality = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        KerasImage img = array_to_img(x, data_format, scale);
        if (img.Mode == ImageMode.RGBA && ImageFileFormats.Resolve(path, file_format) == ImageFileFormat.Jpeg)
        {
            // Keras's warning (it warns when file_format says jpg/jpeg; from the extension alone PIL then fails instead).
            KerasWarnings.Warn("The JPG format does not support RGBA images, converting to RGB.");
            img = img.convert("RGB");
        }
        img.save(path, file_format, quality);
    }

    private static bool ParseDataFormat(string data_format, string errorPrefix) => data_format switch
    {
        "channels_last" => false,
        "channels_first" => true,
        _ => throw new ArgumentException(errorPrefix + data_format, nameof(data_format)),
    };

    /// <summary>
    /// <c>np.asarray(x, dtype)</c> for array_to_img's integer, bool and float16 dtypes, as float32 values.
    /// float16 keeps the float path (<paramref name="stillScale"/>; scaled in float32, not step by step in float16).
    /// An integer image cannot take the in-place <c>x /= x_max</c> of scaling (numpy's UFuncTypeError): unless it
    /// is all zero once shifted (nothing to divide), that throws naming <c>dtype</c>. Unscaled, its values go to
    /// uint8 by numpy's cast (wrapping), as Keras's <c>x.astype('uint8')</c> does.
    /// </summary>
    private static NDArray OtherDTypeValues(NDArray x, string dtype, bool scale, out bool stillScale)
    {
        var target = OutputDTypes.Parse(dtype);
        using var doubles = NumSharpCompat.AsType(x, NPTypeCode.Double, contiguous: true);
        var given = doubles.ToArray<double>();
        using var typed = DTypeConversion.Convert(given, x.shape, target);
        using var typedDoubles = NumSharpCompat.AsType(typed, NPTypeCode.Double, contiguous: true);
        var values = typedDoubles.ToArray<double>();
        stillScale = scale && !target.IsIntegral();
        if (scale && target.IsIntegral())
        {
            double shift = Math.Max(-values.DefaultIfEmpty(0).Min(), 0);
            if (values.Any(v => v + shift != 0))
            {
                throw new ArgumentException(
                    $"array_to_img with dtype \"{dtype}\" and scale=True divides the {dtype} image by its maximum in place, which numpy " +
                    "refuses (UFuncTypeError), as in Keras. Pass scale: false, or a float dtype.",
                    nameof(dtype));
            }

            Array.Clear(values); // all zero: Keras skips the division and multiplies zeros by 255
        }

        using var bytes = target.IsIntegral() ? DTypeConversion.Convert(values, x.shape, OutputDType.UInt8) : null;
        return bytes is null
            ? new NDArray(Array.ConvertAll(values, v => (float)v), new Shape(x.shape))
            : NumSharpCompat.AsType(bytes, NPTypeCode.Single, contiguous: true);
    }

    private static NPTypeCode ParseDType(string dtype)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        NPTypeCode type;
        try
        {
            type = NumSharpCompat.ParseDType(dtype);
        }
        catch (Exception e) when (e is not ArgumentNullException)
        {
            throw new ArgumentException($"data type '{dtype}' not understood", nameof(dtype), e);
        }
        if (type is NPTypeCode.Empty or NPTypeCode.String or NPTypeCode.Char or NPTypeCode.Decimal)
        {
            throw new ArgumentException($"data type '{dtype}' is not a numeric image dtype", nameof(dtype));
        }
        return type;
    }
}
