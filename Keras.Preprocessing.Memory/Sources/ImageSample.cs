namespace Keras.Preprocessing.Memory.Sources;

/// <summary>Where one image comes from: a file path, or encoded bytes held in memory.</summary>
internal readonly record struct ImageSample(string Name, string? Path, ReadOnlyMemory<byte> Bytes)
{
    public static ImageSample FromFile(string name, string path) => new(name, path, default);

    public static ImageSample FromBytes(string name, ReadOnlyMemory<byte> bytes) => new(name, null, bytes);

    /// <summary>The encoded bytes (read from disk for a file).</summary>
    public ReadOnlyMemory<byte> Read()
    {
        if (Path is null)
        {
            return Bytes;
        }

        RegularFile.Require(Path);
        return File.ReadAllBytes(Path);
    }
}
