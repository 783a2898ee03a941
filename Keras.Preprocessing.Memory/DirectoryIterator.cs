using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Keras's <c>DirectoryIterator</c>, what <c>flow_from_directory</c> returns: one sub-directory per class, every
/// image file below it (recursively, in sorted order) a sample of that class.
/// </summary>
public sealed class DirectoryIterator : FileImageIterator
{
    private static readonly ClassMode[] Allowed = [ClassMode.Categorical, ClassMode.Binary, ClassMode.Sparse, ClassMode.Input, ClassMode.None];

    internal DirectoryIterator(ImageDataGenerator generator, DirectoryRequest request)
        : base(generator, Resolve(generator, request))
    {
        directory = request.Directory;
    }

    /// <summary>Keras <c>directory</c>.</summary>
    public string directory { get; }

    private static FileIteratorSetup Resolve(ImageDataGenerator generator, DirectoryRequest r)
    {
        ArgumentNullException.ThrowIfNull(r.Directory, "directory");
        var mode = ClassModes.Parse(r.ClassMode, Allowed);
        var decoding = new ImageDecoding(r.Options.ColorMode, r.Options.TargetSize, r.Options.Interpolation, r.Options.KeepAspectRatio, generator.Settings.DataFormat);
        if (!Directory.Exists(r.Directory))
        {
            throw new DirectoryNotFoundException($"No such file or directory: '{r.Directory}'");
        }

        var classes = r.Classes is { Count: > 0 } given
            ? given.ToArray()
            : Directory.EnumerateDirectories(r.Directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        var classIndices = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in classes)
        {
            // Keras's dict(zip(classes, range(n))) keeps the last index of a repeated name but lists its folder twice:
            // every image comes twice, and categorical batches then index past the one-hot row (IndexError).
            if (!classIndices.TryAdd(name, classIndices.Count))
            {
                throw new ArgumentException($"`classes` names \"{name}\" more than once: each class sub-directory may be listed once.", "classes");
            }
        }

        var samples = new List<ImageSample>();
        var classLists = new List<int[]>();
        foreach (var name in classes)
        {
            string classDirectory = Path.Combine(r.Directory, name);
            if (!Directory.Exists(classDirectory))
            {
                throw new DirectoryNotFoundException($"Class directory for '{name}' not found: '{classDirectory}'");
            }

            var files = ValidFiles(classDirectory, r.FollowLinks).ToList();
            if (r.Split is { } split)
            {
                int start = (int)(split.Start * files.Count), stop = (int)(split.Stop * files.Count);
                files = files.GetRange(start, stop - start);
            }

            foreach (var file in files)
            {
                string relative = Path.Combine(name, Path.GetRelativePath(classDirectory, file));
                samples.Add(ImageSample.FromFile(relative, Path.Combine(r.Directory, relative)));
                classLists.Add([classIndices[name]]);
            }
        }

        KerasLogging.Print($"Found {samples.Count} images belonging to {classes.Length} classes.");
        // Keras's DirectoryIterator sets `classes` whatever the class_mode: `class_mode=None` with `shuffle=False`
        // is how a script predicts a test folder and then reads the true classes back from `it.classes`.
        return new FileIteratorSetup(
            r.Options, decoding, [.. samples], mode, classIndices, [.. classLists], [], null, SkipUndecodable: false);
    }

    /// <summary>Keras's _iter_valid_files: directories walked in sorted order (symlinked ones only when following links), files sorted by name.</summary>
    private static IEnumerable<string> ValidFiles(string root, bool followLinks)
    {
        var directories = new List<string>();
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            directories.Add(current);
            foreach (var child in Directory.EnumerateDirectories(current))
            {
                if (followLinks || new DirectoryInfo(child).LinkTarget is null)
                {
                    pending.Push(child);
                }
            }
        }

        foreach (var directory in directories.Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
            {
                string extension = Path.GetExtension(file).TrimStart('.').ToLowerInvariant();
                if (extension is "tif" or "tiff")
                {
                    KerasWarnings.Warn("Using \".tiff\" files with multiple bands will cause distortion. Please verify your output.");
                }

                // A FIFO or device named like an image would block or never end when read: only regular files are images.
                if (DataFrameIterator.WhiteListFormats.Contains(extension) && RegularFile.Exists(file))
                {
                    yield return file;
                }
            }
        }
    }
}

/// <summary>flow_from_directory's arguments, gathered.</summary>
internal sealed record DirectoryRequest(
    string Directory,
    IReadOnlyList<string>? Classes,
    string? ClassMode,
    bool FollowLinks,
    (double Start, double Stop)? Split,
    FileIteratorOptions Options);
