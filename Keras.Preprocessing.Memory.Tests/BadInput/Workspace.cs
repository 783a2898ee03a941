using System.Diagnostics;
using System.Text;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

/// <summary>
/// The files the matrix's cases read: good and bad images, a FIFO, mapped .npy files whole and cut short, a sparse
/// file whose single image is too large to address. Built once, removed after the class.
/// </summary>
internal sealed class Workspace : IDisposable
{
    private static Workspace? _shared;
    private static readonly object Gate = new();

    private Workspace()
    {
        Root = Directory.CreateTempSubdirectory("kerasmem-badinput-").FullName;
        Images = Directory.CreateDirectory(Path.Combine(Root, "images")).FullName;
        for (int i = 0; i < 3; i++)
        {
            TestImages.WritePng(Path.Combine(Images, $"good_{i}.png"), Pixels(i, 4, 5), 5, 4);
        }

        File.WriteAllBytes(Path.Combine(Images, "empty.png"), []);
        File.WriteAllText(Path.Combine(Images, "text.png"), "this is not an image");
        var good = File.ReadAllBytes(Path.Combine(Images, "good_0.png"));
        File.WriteAllBytes(Path.Combine(Images, "truncated.png"), good[..(good.Length / 2)]);

        // A noisy 64 × 64 PNG cut at 70%: its header reads fine (validation keeps it), its pixels do not decode.
        var noise = new byte[64 * 64 * 3];
        new Random(5).NextBytes(noise);
        string whole = Path.Combine(Root, "noise.png");
        TestImages.WritePng(whole, noise, 64, 64);
        var noisy = File.ReadAllBytes(whole);
        File.WriteAllBytes(Path.Combine(Images, "cut.png"), noisy[..(noisy.Length * 7 / 10)]);
        Directory.CreateDirectory(Path.Combine(Images, "folder.png"));
        File.WriteAllText(Path.Combine(Images, "notes.txt"), "not an image extension");
        File.Copy(Path.Combine(Images, "good_1.png"), Path.Combine(Images, "with space é.png"));
        HasFifo = MakeFifo(Path.Combine(Images, "fifo.png"));
        File.CreateSymbolicLink(Path.Combine(Images, "dangling.png"), Path.Combine(Root, "nowhere.png"));

        // flow_from_directory: two classes, one holding a FIFO and a text file that only look like images.
        Classes = Directory.CreateDirectory(Path.Combine(Root, "classes")).FullName;
        foreach (string cls in new[] { "cat", "dog" })
        {
            string dir = Directory.CreateDirectory(Path.Combine(Classes, cls)).FullName;
            for (int i = 0; i < 2; i++)
            {
                File.Copy(Path.Combine(Images, $"good_{i}.png"), Path.Combine(dir, $"{cls}_{i}.png"));
            }
        }

        if (HasFifo)
        {
            MakeFifo(Path.Combine(Classes, "cat", "cat_fifo.png"));
        }

        // Mapped arrays.
        GoodNpy = Path.Combine(Root, "good.npy");
        WriteNpy(GoodNpy, "|u1", [2, 4, 4, 3], Enumerable.Range(0, 96).Select(i => (byte)i).ToArray());
        ShortNpy = Path.Combine(Root, "short.npy");
        File.WriteAllBytes(ShortNpy, File.ReadAllBytes(GoodNpy)[..^20]);
        HeaderOnlyNpy = Path.Combine(Root, "header_only.npy");
        WriteNpy(HeaderOnlyNpy, "<f4", [10, 8, 8, 3], []);
        NotNpy = Path.Combine(Root, "not.npy");
        File.WriteAllText(NotNpy, "just some text, no numpy magic");
        EmptyNpy = Path.Combine(Root, "empty.npy");
        File.WriteAllBytes(EmptyNpy, []);
        PickleNpy = Path.Combine(Root, "pickle.npy");
        File.WriteAllBytes(PickleNpy, [0x80, 0x04, 0x95, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0x5d, 0x94, 0x28, 0x4b, 0x01, 0x4b, 0x02, 0x65, 0x2e]);
        ObjectNpy = Path.Combine(Root, "object.npy");
        WriteNpy(ObjectNpy, "|O", [2], [0x80, 0x02, 0x4e, 0x2e]);
        BadHeaderNpy = Path.Combine(Root, "bad_header.npy");
        File.WriteAllBytes(BadHeaderNpy, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0xff, 0x7f, (byte)'{']);
        ShortLabelsNpy = Path.Combine(Root, "short_labels.npy");
        WriteNpy(ShortLabelsNpy, "<i4", [2], [1, 0, 0, 0]);
        FloatNpy = Path.Combine(Root, "float.npy");
        WriteNpy(FloatNpy, "<f4", [3, 2, 2, 1], MemoryMarshalBytes(Enumerable.Range(0, 12).Select(i => (float)i).ToArray()));

        // One image of 65536 × 32768 × 1 = 2³¹ uint8 elements: a sparse file, so nothing is really written or read.
        HugeImageNpy = Path.Combine(Root, "huge_image.npy");
        WriteNpy(HugeImageNpy, "|u1", [1, 65536, 32768, 1], []);
        using (var f = new FileStream(HugeImageNpy, FileMode.Open, FileAccess.Write))
        {
            f.SetLength(f.Length + (1L << 31));
        }
    }

    public string Root { get; }

    public string Images { get; }

    public string Classes { get; }

    public bool HasFifo { get; }

    public string GoodNpy { get; }

    public string ShortNpy { get; }

    public string HeaderOnlyNpy { get; }

    public string NotNpy { get; }

    public string EmptyNpy { get; }

    public string PickleNpy { get; }

    public string ObjectNpy { get; }

    public string BadHeaderNpy { get; }

    public string FloatNpy { get; }

    public string ShortLabelsNpy { get; }

    public string HugeImageNpy { get; }

    public static Workspace Shared
    {
        get
        {
            lock (Gate)
            {
                return _shared ??= new Workspace();
            }
        }
    }

    public string Image(string name) => Path.Combine(Images, name);

    /// <summary>A fresh folder for a case that writes.</summary>
    public string NewFolder() => Directory.CreateDirectory(Path.Combine(Root, "case-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public static void DisposeShared()
    {
        lock (Gate)
        {
            _shared?.Dispose();
            _shared = null;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a mapped file still open on Windows; the temp folder is cleaned up later
        }
    }

    public static byte[] Pixels(int index, int height, int width)
    {
        var rgb = new byte[height * width * 3];
        for (int k = 0; k < rgb.Length; k++)
        {
            rgb[k] = (byte)((index * 50) + k);
        }

        return rgb;
    }

    public static void WriteNpy(string path, string descr, long[] shape, byte[] data)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - (unpadded % 64)) % 64) + "\n";
        using var f = File.Create(path);
        f.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        f.Write(BitConverter.GetBytes((ushort)header.Length));
        f.Write(Encoding.ASCII.GetBytes(header));
        f.Write(data);
    }

    private static byte[] MemoryMarshalBytes(float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static bool MakeFifo(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false });
        p!.WaitForExit();
        return p.ExitCode == 0;
    }
}
