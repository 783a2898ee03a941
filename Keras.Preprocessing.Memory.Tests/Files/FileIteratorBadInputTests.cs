using Keras.Preprocessing.Memory.Iterators;
using Microsoft.Data.Analysis;

namespace Keras.Preprocessing.Memory.Tests.Files;

/// <summary>
/// flow_from_dataframe / flow_from_directory with bad tables, bad arguments and bad files: each either drops the
/// row with a warning that names the file (validate_filenames) or throws an exception naming the file or the
/// parameter. Nothing is dropped without a word, and nothing reaches the native decoder unchecked.
/// </summary>
[TestClass]
[DoNotParallelize] // captures Console and KerasWarnings, both process-wide
public sealed class FileIteratorBadInputTests
{
    private const string Good1 = "cats/c00.png";
    private const string Good2 = "dogs/d00.jpg";

    [TestMethod]
    [DataRow("x_col")]
    [DataRow("y_col")]
    [DataRow("weight_col")]
    public void MissingColumnThrowsNamingTheParameterAndColumn(string parameter)
    {
        var df = Frame((Good1, "cat"), (Good2, "dog"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(
            df,
            IteratorFixtures.Images,
            x_col: parameter == "x_col" ? "path" : "filename",
            y_col: parameter == "y_col" ? "label" : "class",
            weight_col: parameter == "weight_col" ? "w" : null));
        Assert.AreEqual(parameter, e.ParamName);
        StringAssert.Contains(e.Message, "is not a column of the DataFrame");
    }

    [TestMethod]
    public void NonStringXColThrowsNamingTheColumn()
    {
        var df = new DataFrame(new PrimitiveDataFrameColumn<int>("filename", [1, 2]), new StringDataFrameColumn("class", ["a", "b"]));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(df, IteratorFixtures.Images));
        Assert.AreEqual("x_col", e.ParamName);
        StringAssert.Contains(e.Message, "must be strings");
        StringAssert.Contains(e.Message, "row 0");
    }

    [TestMethod]
    public void MissingFileNameThrowsNamingTheRow()
    {
        var df = new DataFrame(new StringDataFrameColumn("filename", [Good1, null]), new StringDataFrameColumn("class", ["a", "b"]));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(df, IteratorFixtures.Images));
        Assert.AreEqual("x_col", e.ParamName);
        StringAssert.Contains(e.Message, "row 1");
    }

    [TestMethod]
    public void NonStringLabelsThrowForSparse()
    {
        var df = new DataFrame(new StringDataFrameColumn("filename", [Good1, Good2]), new PrimitiveDataFrameColumn<int>("class", [0, 1]));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(df, IteratorFixtures.Images, class_mode: "sparse"));
        Assert.AreEqual("y_col", e.ParamName);
        StringAssert.Contains(e.Message, "must be strings");
    }

    [TestMethod]
    public void MissingDirectoryThrowsNamingIt()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid());
        var df = Frame((Good1, "cat"));
        var e1 = Assert.ThrowsExactly<DirectoryNotFoundException>(() => new ImageDataGenerator().flow_from_dataframe(df, missing));
        StringAssert.Contains(e1.Message, missing);
        var e2 = Assert.ThrowsExactly<DirectoryNotFoundException>(() => new ImageDataGenerator().flow_from_directory(missing));
        StringAssert.Contains(e2.Message, missing);
    }

    [TestMethod]
    public void MissingClassDirectoryThrowsNamingIt()
    {
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => new ImageDataGenerator().flow_from_directory(
            IteratorFixtures.Images, classes: ["cats", "lions"]));
        StringAssert.Contains(e.Message, "lions");
    }

    [TestMethod]
    public void GarbageFileIsSkippedWithAWarningNamingIt()
    {
        using var dir = Dataset();
        File.WriteAllText(Path.Combine(dir.Path, "cats", "garbage.png"), "this is text, not a PNG, long enough to hold a header");
        var built = Flow(dir, cache: false, validate: true, (Good1, "cat"), ("cats/garbage.png", "cat"), (Good2, "dog"));
        using (built)
        {
            Assert.AreEqual(2, built.Iterator.n);
            CollectionAssert.AreEqual(new[] { Good1, Good2 }, built.Iterator.filenames.ToArray());
            AssertOneWarningNaming(built, 1, "cats/garbage.png", "not a readable");
            using var batch = built.Iterator[0];
            Assert.AreEqual(2, batch.Count);
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void GarbageFileThrowsNamingItWithoutValidation(bool cache)
    {
        using var dir = Dataset();
        File.WriteAllText(Path.Combine(dir.Path, "cats", "garbage.png"), "this is text, not a PNG, long enough to hold a header");
        var e = ThrowsOnConstructionOrFirstBatch<ImageDecodeException>(dir, cache, (Good1, "cat"), ("cats/garbage.png", "cat"));
        Assert.AreEqual("cats/garbage.png", e.FileName);
        StringAssert.Contains(e.Message, "cats/garbage.png");
    }

    [TestMethod]
    [DataRow("cats/c01.jpg", false)]
    [DataRow("cats/c01.jpg", true)]
    [DataRow("cats/c00.png", false)]
    [DataRow("cats/c00.png", true)]
    public void ImageCutInHalfIsSkippedOrThrowsNamingIt(string source, bool cache)
    {
        // Half of a tiny file: the JPEG loses part of its tables, so the header probe refuses it (a warning under
        // validation); the PNG keeps its header, so validation keeps it and the decode fails by name, as Keras's
        // load_img does. Without validation both fail on decode.
        using var dir = Dataset();
        string name = "cats/half" + Path.GetExtension(source);
        byte[] full = File.ReadAllBytes(Path.Combine(dir.Path, source));
        File.WriteAllBytes(Path.Combine(dir.Path, name), full[..(full.Length / 2)]);
        if (source.EndsWith(".jpg", StringComparison.Ordinal))
        {
            using var built = Flow(dir, cache, validate: true, (Good1, "cat"), (name, "cat"));
            Assert.AreEqual(1, built.Iterator.n);
            AssertOneWarningNaming(built, 1, name, "not a readable");
        }
        else if (cache)
        {
            AssertDroppedWhileCaching(dir, name);
        }
        else
        {
            var kept = ThrowsOnConstructionOrFirstBatch<ImageDecodeException>(dir, cache, validate: true, (Good1, "cat"), (name, "cat"));
            Assert.AreEqual(name, kept.FileName);
        }

        var e = ThrowsOnConstructionOrFirstBatch<ImageDecodeException>(dir, cache, (Good1, "cat"), (name, "cat"));
        Assert.AreEqual(name, e.FileName);
        StringAssert.Contains(e.Message, name);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void JpegCutInsideItsScanPassesTheProbeAndThrowsNamingIt(bool cache)
    {
        // Cut halfway through the entropy-coded data: every header survives, the pixels do not.
        using var dir = Dataset();
        byte[] full = File.ReadAllBytes(Path.Combine(dir.Path, "cats", "c01.jpg"));
        int scan = full.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        Assert.IsGreaterThan(0, scan);
        File.WriteAllBytes(Path.Combine(dir.Path, "cats", "cut.jpg"), full[..((scan + full.Length) / 2)]);
        if (cache)
        {
            AssertDroppedWhileCaching(dir, "cats/cut.jpg", "truncated");
            return;
        }

        var e = ThrowsOnConstructionOrFirstBatch<ImageDecodeException>(dir, cache, validate: true, (Good1, "cat"), ("cats/cut.jpg", "cat"));
        Assert.AreEqual("cats/cut.jpg", e.FileName);
        StringAssert.Contains(e.Message, "truncated");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void CorruptImageBodyThrowsNamingIt(bool cache)
    {
        // A PNG whose header is intact but whose pixel data is scrambled (its CRC no longer matches).
        using var dir = Dataset();
        byte[] bytes = File.ReadAllBytes(Path.Combine(dir.Path, "cats", "c10.png"));
        int idat = bytes.AsSpan().IndexOf("IDAT"u8);
        Assert.IsGreaterThan(0, idat);
        for (int i = idat + 10; i < Math.Min(bytes.Length - 16, idat + 200); i++)
        {
            bytes[i] ^= 0x5A;
        }

        File.WriteAllBytes(Path.Combine(dir.Path, "cats", "scrambled.png"), bytes);
        if (cache)
        {
            AssertDroppedWhileCaching(dir, "cats/scrambled.png");
            return;
        }

        var e = ThrowsOnConstructionOrFirstBatch<ImageDecodeException>(dir, cache, validate: true, (Good1, "cat"), ("cats/scrambled.png", "cat"));
        Assert.AreEqual("cats/scrambled.png", e.FileName);
        StringAssert.Contains(e.Message, "cats/scrambled.png");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void MissingFileThrowsNamingItWithoutValidation(bool cache)
    {
        using var dir = Dataset();
        if (cache)
        {
            // The cache gathers every failure and throws one ImageDecodeException naming the first.
            var e = ThrowsOnConstructionOrFirstBatch<ImageDecodeException>(dir, cache, (Good1, "cat"), ("cats/missing.png", "cat"));
            Assert.AreEqual("cats/missing.png", e.FileName);
            StringAssert.Contains(e.Message, "No such file");
        }
        else
        {
            var e = ThrowsOnConstructionOrFirstBatch<FileNotFoundException>(dir, cache, (Good1, "cat"), ("cats/missing.png", "cat"));
            StringAssert.Contains(e.Message, "cats/missing.png");
        }
    }

    [TestMethod]
    public void UnreadablePathIsSkippedWithAWarningNamingIt()
    {
        // A folder named like an image cannot be read as a file. (Permission bits cannot make a file unreadable
        // to root, which runs these tests in CI, so this is the unreadable case that can be tested everywhere.)
        using var dir = Dataset();
        Directory.CreateDirectory(Path.Combine(dir.Path, "cats", "folder.png"));
        using var built = Flow(dir, cache: true, validate: true, (Good1, "cat"), ("cats/folder.png", "cat"));
        Assert.AreEqual(1, built.Iterator.n);
        AssertOneWarningNaming(built, 1, "cats/folder.png", "no such file");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ZeroByteFileIsSkippedUnderValidationAndThrowsWithout(bool cache)
    {
        using var dir = Dataset();
        File.WriteAllBytes(Path.Combine(dir.Path, "dogs", "empty.jpg"), []);
        using (var built = Flow(dir, cache, validate: true, (Good1, "cat"), ("dogs/empty.jpg", "dog"), (Good2, "dog")))
        {
            Assert.AreEqual(2, built.Iterator.n);
            AssertOneWarningNaming(built, 1, "dogs/empty.jpg", "empty");
        }

        var e = ThrowsOnConstructionOrFirstBatch<ImageDecodeException>(dir, cache, (Good1, "cat"), ("dogs/empty.jpg", "dog"));
        Assert.AreEqual("dogs/empty.jpg", e.FileName);
        StringAssert.Contains(e.Message, "empty");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ImageOverThePixelLimitIsSkippedUnderValidationAndThrowsWithout(bool cache)
    {
        using var dir = Dataset();
        long? previous = ImageUtils.max_image_pixels;
        try
        {
            // birds/b07.png is 12x9 = 108 pixels, cats/c10.png 29x24 = 696.
            ImageUtils.max_image_pixels = 200;
            using (var built = Flow(dir, cache, validate: true, ("birds/b07.png", "bird"), ("cats/c10.png", "cat")))
            {
                Assert.AreEqual(1, built.Iterator.n);
                CollectionAssert.AreEqual(new[] { "birds/b07.png" }, built.Iterator.filenames.ToArray());
                AssertOneWarningNaming(built, 1, "cats/c10.png", "exceeds limit of 200 pixels");
            }

            if (cache)
            {
                // The cache gathers every failure, then throws one ImageDecodeException naming the first.
                var e = ThrowsOnConstructionOrFirstBatch<ImageDecodeException>(dir, cache, ("birds/b07.png", "bird"), ("cats/c10.png", "cat"));
                Assert.AreEqual("cats/c10.png", e.FileName);
                StringAssert.Contains(e.Message, "exceeds limit of 200 pixels");
            }
            else
            {
                var e = ThrowsOnConstructionOrFirstBatch<DecompressionBombException>(dir, cache, ("birds/b07.png", "bird"), ("cats/c10.png", "cat"));
                Assert.AreEqual("cats/c10.png", e.FileName);
                Assert.AreEqual(29, e.Width);
            }
        }
        finally
        {
            ImageUtils.max_image_pixels = previous;
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void FileNameEscapingTheDirectoryIsSkippedRefusedOrAllowed(bool cache)
    {
        using var dir = Dataset();
        // directory = <dataset>/cats; "../dogs/d00.jpg" is a valid image, but outside it.
        string root = Path.Combine(dir.Path, "cats");
        string escape = "../dogs/d00.jpg";
        var df = Frame(("c00.png", "cat"), (escape, "dog"));

        using (var built = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(df, root, cache: cache)))
        {
            Assert.AreEqual(1, built.Iterator.n);
            AssertOneWarningNaming(built, 1, escape, "outside directory");
        }

        var refused = Assert.ThrowsExactly<ArgumentException>(() => IteratorFixtures.Capture(() =>
            new ImageDataGenerator().flow_from_dataframe(df, root, validate_filenames: false, cache: cache)));
        StringAssert.Contains(refused.Message, escape);
        StringAssert.Contains(refused.Message, "allow_outside_directory");

        using (var allowed = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(
            df, root, class_mode: "sparse", target_size: (16, 16), shuffle: false, allow_outside_directory: true, cache: cache)))
        {
            Assert.AreEqual(2, allowed.Iterator.n);
            Assert.IsEmpty(allowed.Warnings);
            using var batch = allowed.Iterator[0];
            using var expected = ImageUtils.img_to_array(ImageUtils.load_img(Path.Combine(dir.Path, "dogs", "d00.jpg"), target_size: (16, 16)));
            CollectionAssert.AreEqual(expected.ToArray<float>(), batch.x[1].ToArray<float>());
        }
    }

    [TestMethod]
    public void AbsolutePathOutsideTheDirectoryIsSkippedUnderValidation()
    {
        using var dir = Dataset();
        string absolute = Path.Combine(dir.Path, "dogs", "d00.jpg");
        var df = Frame(("c00.png", "cat"), (absolute, "dog"));
        using var built = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(df, Path.Combine(dir.Path, "cats")));
        Assert.AreEqual(1, built.Iterator.n);
        AssertOneWarningNaming(built, 1, absolute, "outside directory");
    }

    [TestMethod]
    public void EveryDroppedRowIsCountedAndNamed()
    {
        using var dir = Dataset();
        File.WriteAllBytes(Path.Combine(dir.Path, "cats", "empty.png"), []);
        File.WriteAllText(Path.Combine(dir.Path, "cats", "garbage.jpg"), "not a JPEG at all, just some words");
        using var built = Flow(
            dir,
            cache: true,
            validate: true,
            (Good1, "cat"),
            ("cats/missing.png", "cat"),
            ("cats/notes.txt", "cat"),
            ("cats/empty.png", "cat"),
            ("cats/garbage.jpg", "cat"),
            ("../outside.png", "cat"),
            (Good2, "dog"));
        Assert.AreEqual(2, built.Iterator.n);
        AssertOneWarningNaming(built, 5, "cats/missing.png", "no such file");
        string warning = built.Warnings.Single();
        foreach (var name in new[] { "cats/notes.txt", "cats/empty.png", "cats/garbage.jpg", "../outside.png" })
        {
            StringAssert.Contains(warning, name);
        }
    }

    [TestMethod]
    public void InvalidClassModeThrowsNamingIt()
    {
        var df = Frame((Good1, "cat"));
        var e1 = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(df, IteratorFixtures.Images, class_mode: "multi_label"));
        Assert.AreEqual("class_mode", e1.ParamName);
        StringAssert.Contains(e1.Message, "multi_label");
        // raw and multi_output need a DataFrame.
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_directory(IteratorFixtures.Images, class_mode: "raw"));
        Assert.AreEqual("class_mode", e2.ParamName);
    }

    [TestMethod]
    public void BinaryNeedsExactlyTwoClasses()
    {
        var df = Frame((Good1, "cat"), (Good2, "dog"), ("birds/b00.png", "bird"));
        var inferred = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(df, IteratorFixtures.Images, class_mode: "binary"));
        StringAssert.Contains(inferred.Message, "Found 3 classes");
        var given = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(
            df, IteratorFixtures.Images, class_mode: "binary", classes: ["cat", "dog", "bird"]));
        StringAssert.Contains(given.Message, "3 class/es were given");
        Assert.AreEqual("classes", given.ParamName);
    }

    [TestMethod]
    public void MultiOutputNeedsAListOfColumns()
    {
        var df = IteratorFixtures.LoadLabels();
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(
            df, IteratorFixtures.Images, y_col: "score", class_mode: "multi_output"));
        Assert.AreEqual("y_col", e.ParamName);
        StringAssert.Contains(e.Message, "must be a list");
    }

    [TestMethod]
    public void NonNumericWeightColumnThrows()
    {
        var df = IteratorFixtures.LoadLabels();
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_dataframe(
            df, IteratorFixtures.Images, weight_col: "kind"));
        Assert.AreEqual("weight_col", e.ParamName);
        StringAssert.Contains(e.Message, "must be numeric");
    }

    [TestMethod]
    public void SubsetWithoutValidationSplitThrows()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow_from_directory(IteratorFixtures.Images, subset: "training"));
        Assert.AreEqual("subset", e.ParamName);
    }

    internal static DataFrame Frame(params (string File, string Class)[] rows) => new(
        new StringDataFrameColumn("filename", rows.Select(r => r.File)),
        new StringDataFrameColumn("class", rows.Select(r => r.Class)));

    /// <summary>A scratch copy of the fixture image tree (birds/, cats/, dogs/) to add bad files to.</summary>
    internal static ScratchTree Dataset() => new();

    private static IteratorFixtures.Built Flow(ScratchTree dir, bool cache, bool validate, params (string File, string Class)[] rows) =>
        IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(
            Frame(rows), dir.Path, target_size: (16, 16), shuffle: false, validate_filenames: validate, cache: cache));

    private static T ThrowsOnConstructionOrFirstBatch<T>(ScratchTree dir, bool cache, params (string File, string Class)[] rows)
        where T : Exception => ThrowsOnConstructionOrFirstBatch<T>(dir, cache, validate: false, rows);

    /// <summary>With the cache, decoding (and failing) happens at construction; without, on the batch holding the file.</summary>
    private static T ThrowsOnConstructionOrFirstBatch<T>(ScratchTree dir, bool cache, bool validate, params (string File, string Class)[] rows)
        where T : Exception
    {
        if (cache)
        {
            return Assert.ThrowsExactly<T>(() => Flow(dir, cache, validate, rows));
        }

        using var built = Flow(dir, cache, validate, rows);
        Assert.AreEqual(rows.Length, built.Iterator.n, "the bad file is not dropped: it fails when read");
        return Assert.ThrowsExactly<T>(() => built.Iterator[0]);
    }

    /// <summary>
    /// Under validation, an image whose header passed but whose data fails while caching is dropped with a warning
    /// naming it; the rest of the dataset is served.
    /// </summary>
    private static void AssertDroppedWhileCaching(ScratchTree dir, string file, string? why = null)
    {
        using var built = Flow(dir, cache: true, validate: true, (Good1, "cat"), (file, "cat"));
        Assert.AreEqual(1, built.Iterator.n);
        CollectionAssert.AreEqual(new[] { Good1 }, built.Iterator.filenames.ToArray());
        Assert.HasCount(1, built.Warnings, string.Join(" | ", built.Warnings));
        StringAssert.StartsWith(built.Warnings[0], "1 image(s) could not be decoded and will be ignored");
        StringAssert.Contains(built.Warnings[0], file);
        if (why is not null)
        {
            StringAssert.Contains(built.Warnings[0], why);
        }

        Assert.AreEqual(1, built.Iterator.next().Count);
    }

    private static void AssertOneWarningNaming(IteratorFixtures.Built built, int count, string file, string why)
    {
        Assert.HasCount(1, built.Warnings, string.Join(" | ", built.Warnings));
        string warning = built.Warnings[0];
        StringAssert.StartsWith(warning, $"Found {count} invalid image filename(s) in x_col=\"filename\". These filename(s) will be ignored.");
        StringAssert.Contains(warning, file);
        StringAssert.Contains(warning, why);
    }
}

/// <summary>
/// A scratch copy of the fixture image tree at <see cref="Path"/>, with a valid image just outside it
/// ("../outside.png") for the directory-escape checks; removed on dispose.
/// </summary>
internal sealed class ScratchTree : IDisposable
{
    private readonly string _parent;

    public ScratchTree()
    {
        _parent = Directory.CreateTempSubdirectory("keras-files-").FullName;
        Path = System.IO.Path.Combine(_parent, "tree");
        IteratorFixtures.CopyTree(IteratorFixtures.Images, Path);
        File.Copy(System.IO.Path.Combine(Path, "cats", "c00.png"), System.IO.Path.Combine(_parent, "outside.png"));
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_parent, recursive: true);
}
