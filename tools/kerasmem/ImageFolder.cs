using Keras.Preprocessing.Memory;
using NumSharp;

namespace KerasMem;

/// <summary>
/// The image files the preview shows, and their decoding through the library's <see cref="ImageUtils.load_img"/>,
/// so that the tool decodes, converts colour modes and resizes exactly as Keras on PIL does (one decoder for all).
/// </summary>
internal static class ImageFolder
{
    /// <summary>The file types Keras's directory iterators accept that the library can decode.</summary>
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Image files under <paramref name="directory"/> (class subfolders included), in a stable order.</summary>
    public static string[] List(string directory) => Directory
        .EnumerateFiles(directory, "*", SearchOption.AllDirectories)
        .Where(IsImage)
        .OrderBy(p => Path.GetRelativePath(directory, p), StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// <paramref name="files"/> (from <see cref="List"/>) interleaved across their class folders: the first image of
    /// each class in name order, then the second of each, and so on, so a preview shows every class.
    /// </summary>
    public static IEnumerable<string> AcrossClasses(string directory, IReadOnlyList<string> files)
    {
        var classes = files
            .GroupBy(f => Path.GetDirectoryName(Path.GetRelativePath(directory, f)) ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToList())
            .ToList();
        for (int i = 0; classes.Any(c => i < c.Count); i++)
        {
            foreach (var c in classes.Where(c => i < c.Count))
            {
                yield return c[i];
            }
        }
    }

    public static int Channels(string colorMode) => colorMode switch
    {
        "grayscale" => 1,
        "rgba" => 4,
        _ => 3,
    };

    /// <summary>The pixel size of an image file.</summary>
    public static ImageSize SizeOf(string path)
    {
        var img = ImageUtils.load_img(path);
        return new ImageSize(img.height, img.width);
    }

    /// <summary>Decodes images with load_img into one uint8 array (n, height, width, channels).</summary>
    public static NDArray Load(IReadOnlyList<string> paths, ImageSize size, string colorMode, string interpolation, ProgressBar? progress = null)
    {
        int channels = Channels(colorMode);
        int imageBytes = checked(size.Height * size.Width * channels);
        var data = new byte[checked(paths.Count * imageBytes)];
        for (int i = 0; i < paths.Count; i++)
        {
            var img = ImageUtils.load_img(paths[i], color_mode: colorMode, target_size: (size.Height, size.Width), interpolation: interpolation);
            // load_img's pixels are interleaved (height, width, channels) bytes: img_to_array's layout, before the float cast.
            img.pixels.AsSpan(0, imageBytes).CopyTo(data.AsSpan(i * imageBytes, imageBytes));
            progress?.Report(i + 1);
        }

        return new NDArray(data, new Shape(paths.Count, size.Height, size.Width, channels));
    }
}
