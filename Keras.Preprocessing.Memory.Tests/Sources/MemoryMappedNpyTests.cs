using System.Diagnostics;
using System.Text;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Sources;

/// <summary>
/// np.load(path, mmap_mode: "r") maps the file rather than reading it, and flow reads the mapped array in place,
/// so a dataset larger than RAM streams through the page cache.
/// </summary>
[TestClass]
[DoNotParallelize] // measures the process (resident memory, wall time)
public sealed class MemoryMappedNpyTests
{
    private const int Images = 8192, Rows = 256, Cols = 256, Channels = 4; // 2 GiB of uint8
    private const long ImageBytes = (long)Rows * Cols * Channels;
    private const long MiB = 1024 * 1024;

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void TwoGigabyteMappedFileFlowsAnEpochWithASmallResidentSet()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Reads VmRSS from /proc/self/status.");
        }

        using var dir = TestImages.TempDir();
        string path = dir.File("big.npy");
        long dataStart = WriteSparseNpy(path);
        const int shards = 256, shard = 3;

        // Mark each image's first byte so the batch proves it read the right bytes through the mapping.
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            for (int i = 0; i < Images; i++)
            {
                file.Position = dataStart + (i * ImageBytes);
                file.WriteByte(Marker(i));
            }
        }

        var watch = Stopwatch.StartNew();
        long before = Rss();
        var images = (NDArray)np.load(path, mmap_mode: "r");
        try
        {
            long afterLoad = Rss();
            CollectionAssert.AreEqual(new long[] { Images, Rows, Cols, Channels }, images.shape);
            Assert.IsTrue(File.ReadLines("/proc/self/maps").Any(l => l.EndsWith(path, StringComparison.Ordinal)), "the file is not memory-mapped");
            Assert.IsLessThanOrEqualTo(64 * MiB, afterLoad - before, "np.load read the file instead of mapping it");

            using var it = new ImageDataGenerator(rescale: 1.0 / 255).flow(
                images, batch_size: 8, seed: 11, num_shards: shards, shard_index: shard, workers: 2);
            Assert.AreEqual(4, it.len, "a 32-image shard in batches of 8");
            int served = 0;
            foreach (var batch in it)
            {
                using (batch)
                {
                    var values = batch.AsSpan();
                    for (int i = 0; i < batch.Count; i++)
                    {
                        Assert.AreEqual(Marker(batch.index_array[i]) / 255f, values[(int)(i * ImageBytes)], 1e-6f, $"sample {batch.index_array[i]}");
                    }

                    served += batch.Count;
                }
            }

            long grown = Rss() - before;
            Assert.AreEqual(32, served);
            Assert.IsLessThanOrEqualTo(512 * MiB, grown, $"resident set grew by {grown / MiB} MiB over a {Images * ImageBytes / MiB} MiB file ({Status("RssAnon")}, {Status("RssFile")})");
            Assert.IsLessThanOrEqualTo(20_000, watch.ElapsedMilliseconds, "the mapped epoch took too long");
        }
        finally
        {
            images.Dispose();
        }
    }

    [TestMethod]
    public void MappedArrayIsReadInPlaceWithoutACopy()
    {
        using var dir = TestImages.TempDir();
        string path = dir.File("small.npy");
        using (var source = TestImages.RandomUInt8(5, 3, 4, 1, seed: 2))
        {
            np.save(path, source);
        }

        using var mapped = (NDArray)np.load(path, mmap_mode: "r");
        using var inMemory = (NDArray)np.load(path);
        var generator = new ImageDataGenerator(rotation_range: 45, horizontal_flip: true);
        using var a = generator.flow(mapped, batch_size: 5, seed: 4);
        using var b = generator.flow(inMemory, batch_size: 5, seed: 4);
        using var fromMap = a.next();
        using var fromMemory = b.next();

        Assert.AreSame(mapped, a.x, "flow kept the mapped array instead of copying it");
        CollectionAssert.AreEqual(fromMemory.AsSpan().ToArray(), fromMap.AsSpan().ToArray());
    }

    private static byte Marker(int image) => (byte)(1 + (image % 251));

    /// <summary>Writes a .npy header for (Images, Rows, Cols, Channels) uint8 and extends the file sparsely; returns where the data starts.</summary>
    private static long WriteSparseNpy(string path)
    {
        string dict = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({Images}, {Rows}, {Cols}, {Channels}), }}";
        int unpadded = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - (unpadded % 64)) % 64) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        long dataStart = file.Position;
        file.SetLength(dataStart + (Images * ImageBytes));
        return dataStart;
    }

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return StatusKiB("VmRSS") * 1024;
    }

    private static long StatusKiB(string key) =>
        long.Parse(Status(key).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

    private static string Status(string key) =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal))?.Replace('\t', ' ') ?? key + ": 0 kB";
}
