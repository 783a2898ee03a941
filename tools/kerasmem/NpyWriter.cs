using System.Globalization;
using System.Text;

namespace KerasMem;

/// <summary>
/// Streams one array into a .npy file (format 1.0, C order): the header first, then the data as it is produced, so
/// a cache larger than memory never has to exist in memory. The result loads with numpy's and NumSharp's np.load,
/// mmap_mode included.
/// The data goes to a temporary file next to the target, renamed over it by <see cref="Commit"/> only once every
/// byte the header promises is written: a failed run (an undecodable image, a full disk, Ctrl+C) never leaves a
/// truncated .npy with a full-size header, the very file that a memory-mapped flow would read past the end of.
/// </summary>
internal sealed class NpyWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly string _path;
    private readonly string _temporary;
    private readonly long _expected;
    private long _written;
    private bool _committed;

    public NpyWriter(string path, string descr, int itemSize, long[] shape)
    {
        string dims = shape.Length == 1
            ? $"{shape[0]},"
            : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - (unpadded % 64)) % 64) + "\n";
        _expected = shape.Aggregate(1L, (a, d) => checked(a * d)) * itemSize;
        _path = Path.GetFullPath(path);
        _temporary = Path.Combine(Path.GetDirectoryName(_path) ?? ".", $".{Path.GetFileName(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial");
        _file = new FileStream(_temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        _file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        _file.Write(BitConverter.GetBytes(checked((ushort)header.Length)));
        _file.Write(Encoding.ASCII.GetBytes(header));
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        _written += data.Length;
        _file.Write(data);
    }

    /// <summary>Checks that the data is complete, then moves the file into place (replacing an older one).</summary>
    public void Commit()
    {
        if (_written != _expected)
        {
            throw new IOException($"{_path}: wrote {_written} bytes of data, the header promised {_expected}; the file was not written.");
        }

        _file.Flush(flushToDisk: true);
        _file.Dispose();
        File.Move(_temporary, _path, overwrite: true);
        _committed = true;
    }

    /// <summary>Writes a whole little-endian int32 vector (labels).</summary>
    public static void WriteInt32(string path, ReadOnlySpan<int> values)
    {
        using var writer = new NpyWriter(path, "<i4", sizeof(int), [values.Length]);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        writer.Commit();
    }

    /// <summary>Without <see cref="Commit"/>, removes the partial file; never throws, so it cannot hide the error that stopped the writing.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        try
        {
            _file.Dispose();
            File.Delete(_temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original error matters more than a leftover temporary file.
        }
    }
}
