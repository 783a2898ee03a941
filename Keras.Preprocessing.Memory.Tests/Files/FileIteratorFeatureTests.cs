using Keras.Preprocessing.Memory.Iterators;
using Microsoft.Data.Analysis;
using Microsoft.ML.Data;

namespace Keras.Preprocessing.Memory.Tests.Files;

/// <summary>
/// What the file iterators add to Keras: x_col columns of encoded bytes, decode progress, the decode-once cache
/// (which must not change a single value, augmentation included), and device selection.
/// </summary>
[TestClass]
[DoNotParallelize] // captures Console and KerasWarnings, both process-wide
public sealed class FileIteratorFeatureTests
{
    [TestMethod]
    [DataRow("byte[]", false)]
    [DataRow("byte[]", true)]
    [DataRow("ReadOnlyMemory<byte>", false)]
    [DataRow("VBuffer<byte>", false)]
    [DataRow("VBuffer<byte>", true)]
    public void BytesColumnFlowsLikeTheFiles(string kind, bool cache)
    {
        var df = ValidLabels();
        var files = df["filename"].Cast<string>().ToArray();
        var bytes = files.Select(f => File.ReadAllBytes(Path.Combine(IteratorFixtures.Images, f))).ToArray();
        df.Columns.Add(kind switch
        {
            "byte[]" => new ObjectDataFrameColumn("image", bytes),
            "ReadOnlyMemory<byte>" => new ObjectDataFrameColumn("image", bytes.Select(b => (object)new ReadOnlyMemory<byte>(b))),
            _ => new VBufferDataFrameColumn<byte>("image", bytes.Select(b => new VBuffer<byte>(b.Length, b))),
        });

        using var fromFiles = Flow(df, "filename", cache);
        using var fromBytes = Flow(df, "image", cache);
        Assert.AreEqual(fromFiles.Found, fromBytes.Found);
        Assert.AreEqual(files.Length, fromBytes.Iterator.n);
        Assert.AreEqual("<row 0>", fromBytes.Iterator.filenames[0]);
        CollectionAssert.AreEqual(fromFiles.Iterator.classes, fromBytes.Iterator.classes);
        CollectionAssert.AreEquivalent(fromFiles.Iterator.class_indices.ToDictionary(), fromBytes.Iterator.class_indices.ToDictionary());
        for (int b = 0; b < fromFiles.Iterator.len; b++)
        {
            using var expected = fromFiles.Iterator[b];
            using var actual = fromBytes.Iterator[b];
            CollectionAssert.AreEqual(expected.x.ToArray<float>(), actual.x.ToArray<float>(), $"batch {b} x");
            CollectionAssert.AreEqual(expected.y!.ToArray<float>(), actual.y!.ToArray<float>(), $"batch {b} y");
        }
    }

    [TestMethod]
    public void BadBytesAreSkippedWithAWarningNamingTheRow()
    {
        var good = File.ReadAllBytes(Path.Combine(IteratorFixtures.Images, "cats", "c00.png"));
        var df = new DataFrame(
            new ObjectDataFrameColumn("image", [good, Array.Empty<byte>(), "not bytes"u8.ToArray(), good]),
            new StringDataFrameColumn("class", ["cat", "cat", "dog", "dog"]));
        using var built = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(df, x_col: "image", target_size: (8, 8)));
        Assert.AreEqual(2, built.Iterator.n);
        string warning = built.Warnings.Single();
        StringAssert.StartsWith(warning, "Found 2 invalid image filename(s)");
        StringAssert.Contains(warning, "<row 1>");
        StringAssert.Contains(warning, "<row 2>");
    }

    [TestMethod]
    public void ProgressReachesTheTotal()
    {
        var reports = new SynchronousProgress();
        using var built = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_directory(
            IteratorFixtures.Images, target_size: (16, 16), cache: true, progress: reports, workers: 2));
        int n = built.Iterator.n;
        var seen = reports.Reports;
        Assert.IsNotEmpty(seen);
        Assert.IsTrue(seen.All(r => r.total == n), "every report counts the same total");
        Assert.IsTrue(seen.All(r => r.completed >= 1 && r.completed <= n));
        var last = seen.MaxBy(r => r.completed);
        Assert.AreEqual(n, last.completed);
        Assert.AreEqual(1.0, last.fraction);
        Assert.IsGreaterThanOrEqualTo(0.0, last.images_per_second);
    }

    [TestMethod]
    public void ProgressIsNotReportedWithoutTheCache()
    {
        var reports = new SynchronousProgress();
        using var built = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_directory(
            IteratorFixtures.Images, target_size: (16, 16), progress: reports));
        using var batch = built.Iterator.next();
        Assert.IsEmpty(reports.Reports);
    }

    [TestMethod]
    [DataRow("dataframe")]
    [DataRow("directory")]
    public void CacheChangesNothingWithAugmentationAndASeed(string api)
    {
        // The seed augmentation parameters: every random draw, warp and flip is exercised.
        FileImageIterator Make(bool cache)
        {
            var gen = new ImageDataGenerator(
                rotation_range: 20, width_shift_range: 0.1, height_shift_range: 0.1, shear_range: 0.1, zoom_range: 0.1, horizontal_flip: true);
            return IteratorFixtures.Capture(() => api == "dataframe"
                ? gen.flow_from_dataframe(IteratorFixtures.LoadLabels(), IteratorFixtures.Images, target_size: (20, 18), batch_size: 8, seed: 42, cache: cache)
                : gen.flow_from_directory(IteratorFixtures.Images, target_size: (20, 18), batch_size: 8, seed: 42, cache: cache)).Iterator;
        }

        using var plain = Make(cache: false);
        using var cached = Make(cache: true);
        Assert.IsTrue(cached.cached);
        Assert.IsFalse(plain.cached);
        int differsFromUnaugmented = 0;
        for (int b = 0; b < 2 * plain.len; b++)
        {
            using var expected = plain.next();
            using var actual = cached.next();
            CollectionAssert.AreEqual(expected.index_array, actual.index_array, $"batch {b} order");
            var x = expected.x.ToArray<float>();
            CollectionAssert.AreEqual(x, actual.x.ToArray<float>(), $"batch {b} x");
            CollectionAssert.AreEqual(expected.y!.ToArray<float>(), actual.y!.ToArray<float>(), $"batch {b} y");
            differsFromUnaugmented += x.Any(v => v != MathF.Round(v)) ? 1 : 0;
        }

        Assert.IsGreaterThan(0, differsFromUnaugmented, "augmentation actually ran (interpolated values appear)");
    }

    [TestMethod]
    public void PrefetchAndWorkersChangeNothing()
    {
        FileImageIterator Make(int workers, int prefetch) => IteratorFixtures.Capture(() =>
            new ImageDataGenerator(rotation_range: 15, horizontal_flip: true).flow_from_directory(
                IteratorFixtures.Images, target_size: (12, 12), batch_size: 5, seed: 3, workers: workers, prefetch: prefetch)).Iterator;
        using var one = Make(1, 0);
        using var many = Make(4, 3);
        for (int b = 0; b < one.len + 2; b++)
        {
            using var expected = one.next();
            using var actual = many.next();
            CollectionAssert.AreEqual(expected.x.ToArray<float>(), actual.x.ToArray<float>(), $"batch {b}");
        }
    }

    [TestMethod]
    [DataRow("gpu")]
    [DataRow("gpu:0")]
    public void GpuDeviceWithoutCacheThrowsNamingDevice(string device)
    {
        var e1 = Assert.ThrowsExactly<ArgumentException>(() => IteratorFixtures.Capture(() =>
            new ImageDataGenerator().flow_from_directory(IteratorFixtures.Images, target_size: (8, 8), device: device)));
        Assert.AreEqual("device", e1.ParamName);
        StringAssert.Contains(e1.Message, "cache");
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => IteratorFixtures.Capture(() =>
            new ImageDataGenerator().flow_from_dataframe(ValidLabels(), IteratorFixtures.Images, target_size: (8, 8), device: device)));
        Assert.AreEqual("device", e2.ParamName);
    }

    [TestMethod]
    public void CpuDeviceWorksWithAndWithoutCache()
    {
        foreach (bool cache in new[] { false, true })
        {
            using var built = IteratorFixtures.Capture(() =>
                new ImageDataGenerator().flow_from_directory(IteratorFixtures.Images, target_size: (8, 8), device: "cpu", cache: cache));
            Assert.AreEqual("cpu", built.Iterator.device);
            using var batch = built.Iterator.next();
            Assert.AreEqual(32, batch.Count);
        }
    }

    /// <summary>labels.csv without the rows whose file Keras (and we) would drop.</summary>
    private static DataFrame ValidLabels()
    {
        var all = IteratorFixtures.LoadLabels();
        var rows = Enumerable.Range(0, (int)all.Rows.Count)
            .Where(i => all["filename"][i] is string f && !f.EndsWith(".txt", StringComparison.Ordinal) && File.Exists(Path.Combine(IteratorFixtures.Images, f)))
            .ToArray();
        return IteratorFixtures.LoadLabels(rows);
    }

    private static IteratorFixtures.Built Flow(DataFrame df, string xCol, bool cache) => IteratorFixtures.Capture(() =>
        new ImageDataGenerator().flow_from_dataframe(
            df, IteratorFixtures.Images, x_col: xCol, target_size: (16, 16), interpolation: "bilinear", batch_size: 8, shuffle: false, cache: cache));

    /// <summary>Records reports on the reporting thread (Progress&lt;T&gt; would post them asynchronously).</summary>
    private sealed class SynchronousProgress : IProgress<DecodeProgress>
    {
        private readonly List<DecodeProgress> _reports = [];

        public IReadOnlyList<DecodeProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(DecodeProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
