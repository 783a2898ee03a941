using System.Text;
using NumSharp;

namespace KerasMemory.Bench;

/// <summary>One workload of the benchmark: a dataset shape and dtype, the batch size and how often to repeat it.</summary>
/// <param name="Name">Short key, also the peers' name for the array.</param>
/// <param name="Count">Number of images (one epoch).</param>
/// <param name="Rows">Image height.</param>
/// <param name="Cols">Image width.</param>
/// <param name="Channels">Channels (channels_last).</param>
/// <param name="IsUInt8">uint8 data when true, float32 otherwise.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="Reps">Timed repetitions (the median is reported).</param>
/// <param name="Zca">ZCA whitening: fit once per contender, then flow with the fitted generator.</param>
internal sealed record BenchCase(string Name, int Count, int Rows, int Cols, int Channels, bool IsUInt8, int Batch, int Reps, bool Zca = false)
{
    public string Label => $"{Rows}x{Cols}x{Channels} {(IsUInt8 ? "uint8" : "float32")}, {Count:N0} images, batch {Batch}{(Zca ? ", ZCA" : string.Empty)}";

    public int ElementSize => IsUInt8 ? 1 : 4;

    public long ImageBytes => (long)Rows * Cols * Channels * ElementSize;

    public long DatasetBytes => ImageBytes * Count;

    /// <summary>The cases of issues 3 and 13 (512x512: item 5's second size for the copy-floor target); <paramref name="quick"/> shrinks them to a smoke run.</summary>
    public static BenchCase[] For(bool quick) => quick
        ?
        [
            new("64x64", 1024, 64, 64, 3, false, 32, 1),
            new("224x224", 64, 224, 224, 3, false, 32, 1),
            new("512x512", 32, 512, 512, 3, false, 16, 1),
            new("cifar", 5000, 32, 32, 3, true, 32, 1),
            new("zca", 1000, 16, 16, 3, false, 32, 1, Zca: true),
        ]
        :
        [
            new("64x64", 1024, 64, 64, 3, false, 32, 7),
            new("224x224", 256, 224, 224, 3, false, 32, 5),
            new("512x512", 64, 512, 512, 3, false, 32, 3),
            new("cifar", 50_000, 32, 32, 3, true, 32, 3),
            new("zca", 10_000, 32, 32, 3, false, 32, 3, Zca: true),
        ];

    /// <summary>
    /// The dataset, filled in place from a counter hash (no managed copy, so the RSS child holds exactly one copy).
    /// Noise is as good as photographs here: the warp's cost does not depend on pixel values.
    /// </summary>
    public unsafe NDArray CreateImages()
    {
        var x = new NDArray(IsUInt8 ? NPTypeCode.Byte : NPTypeCode.Single, new Shape(Count, Rows, Cols, Channels));
        long elements = (long)Count * Rows * Cols * Channels;
        if (IsUInt8)
        {
            byte* p = (byte*)x.Unsafe.Address;
            for (long i = 0; i < elements; i++)
            {
                p[i] = (byte)(Hash((ulong)i) >> 56);
            }
        }
        else
        {
            float* p = (float*)x.Unsafe.Address;
            for (long i = 0; i < elements; i++)
            {
                p[i] = (Hash((ulong)i) >> 40) * (1f / (1 << 24));
            }
        }

        return x;
    }

    /// <summary>Integer labels 0..9, the same in both languages.</summary>
    public NDArray CreateLabels()
    {
        var labels = new int[Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % 10;
        }

        return new NDArray(labels, new Shape(Count));
    }

    /// <summary>Writes <paramref name="x"/> as a version 1.0 .npy file, streaming from its memory (no copy).</summary>
    public unsafe void WriteNpy(NDArray x, string path)
    {
        string header = $"{{'descr': '{(IsUInt8 ? "|u1" : "<f4")}', 'fortran_order': False, 'shape': ({Count}, {Rows}, {Cols}, {Channels}), }}";

        // numpy pads the header with spaces so the data starts on a 64-byte boundary, ending in a newline.
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        file.Write([0x93, .. "NUMPY"u8, 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        byte* data = (byte*)x.Unsafe.Address;
        for (long offset = 0; offset < DatasetBytes; offset += 1 << 24)
        {
            int chunk = (int)Math.Min(1 << 24, DatasetBytes - offset);
            file.Write(new ReadOnlySpan<byte>(data + offset, chunk));
        }
    }

    private static ulong Hash(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
