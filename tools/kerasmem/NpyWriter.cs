using System.Globalization;
using System.Text;

namespace KerasMem;

/// <summary>
/// Streams one array into a .npy file (format 1.0, C order): the header first, then the data as it is produced, so
/// a cache larger than memory never has to exist in memory. The result loads with numpy's and NumSharp's np.load,
/// mmap_mode included.
/// </summary>
internal sealed class NpyWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly long _expected;
    private long _written;

    public NpyWriter(string path, string descr, int itemSize, long[] shape)
    {
        string dims = shape.Length == 1
            ? $"{shape[0]},"
            : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - (unpadded % 64)) % 64) + "\n";
        _expected = shape.Aggregate(1L, (a, d) => a * d) * itemSize;
        _file = File.Create(path);
        _file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        _file.Write(BitConverter.GetBytes(checked((ushort)header.Length)));
        _file.Write(Encoding.ASCII.GetBytes(header));
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        _written += data.Length;
        _file.Write(data);
    }

    /// <summary>Writes a whole little-endian int32 vector (labels).</summary>
    public static void WriteInt32(string path, ReadOnlySpan<int> values)
    {
        using var writer = new NpyWriter(path, "<i4", sizeof(int), [values.Length]);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    public void Dispose()
    {
        _file.Dispose();
        if (_written != _expected)
        {
            throw new IOException($"{_file.Name}: wrote {_written} bytes of data, the header promised {_expected}.");
        }
    }
}
