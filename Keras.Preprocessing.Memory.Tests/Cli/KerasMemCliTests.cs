using KerasMem;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Cli;

/// <summary>The kerasmem command line, run in-process on tiny temp data.</summary>
[TestClass]
[DoNotParallelize] // captures Console and KerasWarnings, both process-wide
public sealed class KerasMemCliTests
{
    [TestMethod]
    public void PreviewWritesAGridOfTheFolderImages()
    {
        using var dir = TestImages.TempDir();
        string images = MakeImageFolder(dir, count: 3, height: 6, width: 8);
        File.WriteAllText(dir.File("aug.json"), """{"horizontal_flip": true, "rotation_range": 10, "fill_mode": "reflect"}""");
        string grid = dir.File("out/grid.png");

        var (code, stdout, stderr) = Run("preview", "--images", images, "--config", dir.File("aug.json"), "--out", grid, "--rows", "2", "--cols", "3", "--seed", "4");

        Assert.AreEqual(0, code, stderr);
        Assert.Contains("Wrote", stdout);
        Assert.Contains("100%", stderr, "a progress bar ran");
        var (width, height, _) = TestImages.ReadPng(grid);
        Assert.AreEqual((3 * 8) + (4 * 2), width);
        Assert.AreEqual((2 * 6) + (3 * 2), height);
    }

    [TestMethod]
    public void PreviewResizesToTheTargetSizeAndReproducesWithASeed()
    {
        using var dir = TestImages.TempDir();
        string images = MakeImageFolder(dir, count: 2, height: 6, width: 8);
        TestImages.WritePng(Path.Combine(images, "z_other_size.png"), new byte[5 * 5 * 3], 5, 5);

        Assert.AreEqual(0, Run("preview", "--images", images, "--out", dir.File("a.png"), "--rows", "3", "--cols", "2", "--target-size", "4x5", "--seed", "1").Code);
        Assert.AreEqual(0, Run("preview", "--images", images, "--out", dir.File("b.png"), "--rows", "3", "--cols", "2", "--target-size", "4x5", "--seed", "1").Code);

        var a = TestImages.ReadPng(dir.File("a.png"));
        Assert.AreEqual((2 * 5) + (3 * 2), a.Width);
        Assert.AreEqual((3 * 4) + (4 * 2), a.Height);
        CollectionAssert.AreEqual(a.Rgba, TestImages.ReadPng(dir.File("b.png")).Rgba);
    }

    [TestMethod]
    public void PreviewFitsFeaturewiseStatisticsOnTheShownImages()
    {
        using var dir = TestImages.TempDir();
        string images = MakeImageFolder(dir, count: 2, height: 4, width: 4);
        File.WriteAllText(dir.File("aug.json"), """{"featurewise_center": true, "featurewise_std_normalization": true}""");
        var warnings = new List<string>();
        void Collect(string w) => warnings.Add(w);
        KerasWarnings.Warned += Collect;
        try
        {
            var (code, _, stderr) = Run("preview", "--images", images, "--config", dir.File("aug.json"), "--out", dir.File("g.png"), "--rows", "2", "--cols", "2");
            Assert.AreEqual(0, code, stderr);
        }
        finally
        {
            KerasWarnings.Warned -= Collect;
        }

        Assert.IsFalse(warnings.Any(w => w.Contains("hasn't been fit", StringComparison.Ordinal)), string.Join("\n", warnings));
    }

    [TestMethod]
    [DataRow("""{"rotaton_range": 10}""", "rotaton_range")]
    [DataRow("""{"horizontal_flip": "yes"}""", "horizontal_flip")]
    [DataRow("""{"fill_mode": "bogus"}""", "fill_mode")]
    [DataRow("""[1, 2]""", "JSON object")]
    [DataRow("""{"rotation_range": }""", "not valid JSON")]
    [DataRow("""{"preprocessing_function": "abs"}""", "preprocessing_function")]
    public void BadConfigsAreReportedNamingTheOptionAndKey(string json, string expected)
    {
        using var dir = TestImages.TempDir();
        string images = MakeImageFolder(dir, count: 1, height: 4, width: 4);
        File.WriteAllText(dir.File("aug.json"), json);

        var (code, _, stderr) = Run("preview", "--images", images, "--config", dir.File("aug.json"), "--out", dir.File("g.png"));

        Assert.AreNotEqual(0, code);
        Assert.Contains("--config", stderr);
        Assert.Contains(expected, stderr);
        Assert.IsFalse(File.Exists(dir.File("g.png")));
    }

    [TestMethod]
    [DataRow(new[] { "preview" }, "--images")]
    [DataRow(new[] { "preview", "--images", "/no/such/folder" }, "--images")]
    [DataRow(new[] { "preview", "--images", ".", "--rows", "0" }, "--rows")]
    [DataRow(new[] { "preview", "--images", ".", "--cols", "1" }, "--cols")]
    [DataRow(new[] { "preview", "--images", ".", "--target-size", "12" }, "--target-size")]
    [DataRow(new[] { "preview", "--images", ".", "--target-size", "0x4" }, "--target-size")]
    [DataRow(new[] { "preview", "--images", ".", "--config", "/no/such.json" }, "--config")]
    [DataRow(new[] { "preview", "--images", ".", "--color-mode", "cmyk" }, "--color-mode")]
    [DataRow(new[] { "cache", "--directory", ".", "--out", "x.npy" }, "--csv")]
    [DataRow(new[] { "bench", "--batch-size", "0" }, "--batch-size")]
    [DataRow(new[] { "bench", "--image-size", "axb" }, "--image-size")]
    [DataRow(new[] { "frobnicate" }, "frobnicate")]
    public void BadArgumentsExitNonZeroNamingTheOption(string[] args, string option)
    {
        var (code, stdout, stderr) = Run(args);

        Assert.AreNotEqual(0, code);
        Assert.Contains(option, stderr + stdout);
    }

    [TestMethod]
    public void PreviewOfAnEmptyFolderSaysSo()
    {
        using var dir = TestImages.TempDir();

        var (code, _, stderr) = Run("preview", "--images", dir.Path, "--out", dir.File("g.png"));

        Assert.AreEqual(1, code);
        Assert.Contains("--images: no png", stderr);
    }

    [TestMethod]
    public void HelpListsTheCommands()
    {
        var (code, stdout, _) = Run("--help");

        Assert.AreEqual(0, code);
        Assert.Contains("preview", stdout);
        Assert.Contains("cache", stdout);
        Assert.Contains("bench", stdout);
    }

    [TestMethod]
    public void CacheDecodesTheCsvImagesIntoNpyWithLabelsAndClasses()
    {
        using var dir = TestImages.TempDir();
        string images = MakeImageFolder(dir, count: 3, height: 4, width: 5);
        File.WriteAllText(dir.File("labels.csv"), "filename,class\nimg_0.png,dog\n\"img_1.png\",cat\nmissing.png,cat\nimg_2.png,dog\n");
        string output = dir.File("data.npy");

        var (code, stdout, stderr) = Run("cache", "--csv", dir.File("labels.csv"), "--directory", images, "--out", output, "--target-size", "4x5");

        Assert.AreEqual(0, code, stderr);
        Assert.Contains("Found 3 validated image filenames belonging to 2 classes.", stdout);
        Assert.Contains("skipped 1 row", stderr);
        using var x = (NDArray)np.load(output, mmap_mode: "r");
        using var y = (NDArray)np.load(dir.File("data_labels.npy"));
        CollectionAssert.AreEqual(new long[] { 3, 4, 5, 3 }, x.shape);
        Assert.AreEqual(NPTypeCode.Byte, x.typecode);
        CollectionAssert.AreEqual(new[] { 1, 0, 1 }, y.ToArray<int>(), "cat = 0, dog = 1, in CSV row order");
        CollectionAssert.AreEqual(ImageBytes(1, 4, 5), x.ToArray<byte>().AsSpan(60, 60).ToArray(), "the second cached image is img_1.png");
        Assert.Contains("\"dog\": 1", File.ReadAllText(dir.File("data_classes.json")));

        using var it = new ImageDataGenerator(horizontal_flip: true).flow(x, y, batch_size: 2, seed: 1);
        Assert.AreEqual(2, it.len);
    }

    [TestMethod]
    public void CacheHoldsWhatKerasFlowFromDataframeYields()
    {
        // The iterator fixtures' grayscale bilinear case: its first two batches of 8, recorded from Keras.
        using var dir = TestImages.TempDir();
        var c = Files.IteratorFixtures.Case("df_grayscale_bilinear");
        var (code, stdout, stderr) = Run(
            "cache", "--csv", Files.IteratorFixtures.Csv, "--directory", Files.IteratorFixtures.Images, "--out", dir.File("g.npy"),
            "--target-size", "16x16", "--color-mode", "grayscale", "--interpolation", "bilinear");

        Assert.AreEqual(0, code, stderr);
        Assert.Contains(c.Found, stdout);
        Assert.Contains("skipped 2 row(s)", stderr);
        Assert.Contains("cats/missing.png", stderr, "the library's warning names the dropped rows");
        using var x = (NDArray)np.load(dir.File("g.npy"));
        using var y = (NDArray)np.load(dir.File("g_labels.npy"));
        CollectionAssert.AreEqual(c.Classes.EnumerateArray().Select(e => e.GetInt32()).ToArray(), y.ToArray<int>());
        var cached = x.ToArray<byte>();
        int offset = 0;
        foreach (var batch in c.Batches)
        {
            var expected = Fixture.Load(batch.X).ToArray<byte>();
            CollectionAssert.AreEqual(expected, cached.AsSpan(offset, expected.Length).ToArray(), $"batch {batch.Index}");
            offset += expected.Length;
        }
    }

    [TestMethod]
    public void CacheResizesAndConvertsToGrayscale()
    {
        using var dir = TestImages.TempDir();
        string images = Directory.CreateDirectory(dir.File("imgs")).FullName;
        var rgb = new byte[4 * 4 * 3];
        for (int p = 0; p < 16; p++)
        {
            rgb[3 * p] = rgb[(3 * p) + 1] = rgb[(3 * p) + 2] = (byte)(p * 10);
        }

        TestImages.WritePng(Path.Combine(images, "a.png"), rgb, 4, 4);
        File.WriteAllText(dir.File("l.csv"), "file,label\na.png,0\n");

        var (code, _, stderr) = Run(
            "cache", "--csv", dir.File("l.csv"), "--directory", images, "--out", dir.File("g.npy"),
            "--x-col", "file", "--y-col", "label", "--target-size", "2x2", "--color-mode", "grayscale");

        Assert.AreEqual(0, code, stderr);
        using var x = (NDArray)np.load(dir.File("g.npy"));
        CollectionAssert.AreEqual(new long[] { 1, 2, 2, 1 }, x.shape);
        CollectionAssert.AreEqual(new byte[] { 50, 70, 130, 150 }, x.ToArray<byte>(), "nearest picks source pixels (1,1), (1,3), (3,1), (3,3)");
    }

    [TestMethod]
    public void CacheNamesAMissingColumnAndABadOutput()
    {
        using var dir = TestImages.TempDir();
        string images = MakeImageFolder(dir, count: 1, height: 2, width: 2);
        File.WriteAllText(dir.File("l.csv"), "filename,species\nimg_0.png,cat\n");

        var missing = Run("cache", "--csv", dir.File("l.csv"), "--directory", images, "--out", dir.File("d.npy"));
        var badOut = Run("cache", "--csv", dir.File("l.csv"), "--directory", images, "--out", dir.File("d.bin"), "--y-col", "species");

        Assert.AreEqual(1, missing.Code);
        Assert.Contains("--y-col", missing.Stderr);
        Assert.Contains("species", missing.Stderr);
        Assert.AreEqual(1, badOut.Code);
        Assert.Contains("--out", badOut.Stderr);
    }

    [TestMethod]
    public void BenchReportsThroughputOnSyntheticAndCachedData()
    {
        using var dir = TestImages.TempDir();
        var (code, stdout, stderr) = Run("bench", "--samples", "16", "--image-size", "16x12", "--batch-size", "4", "--batches", "3", "--workers", "1");

        Assert.AreEqual(0, code, stderr);
        Assert.Contains("12 images ((16, 12, 3) Byte)", stdout);
        Assert.Contains("images/s", stdout);
        Assert.Contains("100%", stderr);

        string images = MakeImageFolder(dir, count: 2, height: 3, width: 3);
        File.WriteAllText(dir.File("l.csv"), "filename,class\nimg_0.png,a\nimg_1.png,b\n");
        Assert.AreEqual(0, Run("cache", "--csv", dir.File("l.csv"), "--directory", images, "--out", dir.File("d.npy"), "--target-size", "3x3").Code);
        File.WriteAllText(dir.File("aug.json"), """{"vertical_flip": true, "width_shift_range": [-1, 0, 1], "zoom_range": [0.9, 1.1], "brightness_range": [0.8, 1.2], "rescale": "1/255"}""");
        var cached = Run("bench", "--npy", dir.File("d.npy"), "--config", dir.File("aug.json"), "--batch-size", "1", "--batches", "2");
        Assert.AreEqual(0, cached.Code, cached.Stderr);
        Assert.Contains("2 images ((3, 3, 3) Byte)", cached.Stdout);
    }

    [TestMethod]
    public void ConfigKeepsPythonsIntAndFloatDistinction()
    {
        var generator = AugmentationConfig.Parse(
            """{"width_shift_range": 3, "height_shift_range": 0.25, "zoom_range": [0.8, 1.3], "rescale": "1/255", "brightness_range": [0.5, 1.5], "rotation_range": 12}""",
            "test");

        Assert.IsTrue(generator.width_shift_range.IsIntegerCount);
        Assert.AreEqual(3, generator.width_shift_range.Scalar);
        Assert.IsTrue(generator.height_shift_range.IsUniform);
        CollectionAssert.AreEqual(new[] { 0.8, 1.3 }, generator.zoom_range);
        Assert.AreEqual(1.0 / 255, generator.rescale!.Value, 1e-12);
        Assert.AreEqual(0.5, generator.brightness_range!.Value.Lower);
        Assert.AreEqual(12, generator.rotation_range);
        Assert.AreEqual("nearest", generator.fill_mode, "unset arguments keep Keras's defaults");
    }

    [TestMethod]
    public void ProgressBarDrawsOnlyOnChangeAndEndsTheLine()
    {
        using var writer = new StringWriter();
        var bar = new ProgressBar(writer, "work", 200);

        for (int i = 1; i <= 200; i++)
        {
            bar.Report(i);
        }

        string text = writer.ToString();
        Assert.AreEqual(101, text.Count(c => c == '\r'), "one redraw per percent, 0% to 100%");
        Assert.EndsWith("100% 200/200" + Environment.NewLine, text);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = KerasMemCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A folder of img_{i}.png, each image filled with a pattern that tells it apart.</summary>
    private static string MakeImageFolder(TestImages.TempDirectory dir, int count, int height, int width)
    {
        string images = Directory.CreateDirectory(dir.File("images")).FullName;
        for (int i = 0; i < count; i++)
        {
            TestImages.WritePng(Path.Combine(images, $"img_{i}.png"), ImageBytes(i, height, width), width, height);
        }

        return images;
    }

    private static byte[] ImageBytes(int index, int height, int width)
    {
        var rgb = new byte[height * width * 3];
        for (int k = 0; k < rgb.Length; k++)
        {
            rgb[k] = (byte)((index * 40) + (k * 7 % 37));
        }

        return rgb;
    }
}
