using KerasMem;

namespace Keras.Preprocessing.Memory.Tests.Cli;

/// <summary>kerasmem preview: every class shown, undecodable files skipped with a warning, the grid captioned.</summary>
[TestClass]
[DoNotParallelize] // process-wide state: the logger, the console, the dynamic-code switch, KerasWarnings
public sealed class PreviewSamplingTests
{
    [TestMethod]
    public void PreviewSamplesAcrossClassesAndSkipsUndecodableFilesWithAWarning()
    {
        using var dir = TestImages.TempDir();
        string images = dir.File("images");
        foreach (string cls in new[] { "cat", "dog", "fox" })
        {
            Directory.CreateDirectory(Path.Combine(images, cls));
            for (int i = 0; i < 3; i++)
            {
                TestImages.WritePng(Path.Combine(images, cls, $"{cls}_{i}.png"), new byte[6 * 8 * 3], 8, 6);
            }
        }

        File.WriteAllText(Path.Combine(images, "cat", "cat_-broken.png"), "not a png");

        var (code, stdout, stderr) = Run("preview", "--images", images, "--out", dir.File("g.png"), "--rows", "3", "--cols", "2", "--seed", "1");

        Assert.AreEqual(0, code, stderr);
        Assert.Contains("warning: skipped cat/cat_-broken.png", stderr);
        string[] rows = stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()[3..]).ToArray();
        CollectionAssert.AreEquivalent(new[] { "cat/cat_0.png", "dog/dog_0.png", "fox/fox_0.png" }, rows, "one image of each class, not the first three of cat/");
        Assert.Contains("Column 1 is the original", stdout);
    }

    [TestMethod]
    public void TheGridIsCaptionedWhenAFontIsAvailable()
    {
        using var dir = TestImages.TempDir();
        string images = Directory.CreateDirectory(dir.File("images")).FullName;
        TestImages.WritePng(Path.Combine(images, "a.png"), new byte[20 * 24 * 3], 24, 20);

        Assert.AreEqual(0, Run("preview", "--images", images, "--out", dir.File("bare.png"), "--rows", "1", "--cols", "3", "--no-captions").Code);
        var (code, stdout, stderr) = Run("preview", "--images", images, "--out", dir.File("captioned.png"), "--rows", "1", "--cols", "3");

        Assert.AreEqual(0, code, stderr);
        var bare = TestImages.ReadPng(dir.File("bare.png"));
        var captioned = TestImages.ReadPng(dir.File("captioned.png"));
        Assert.AreEqual((3 * 24) + (4 * 2), bare.Width);
        if (stdout.Contains("no font found", StringComparison.Ordinal))
        {
            Assert.AreEqual(bare.Width, captioned.Width, "without a font the sheet is left as it was");
            return;
        }

        Assert.IsGreaterThan(bare.Width, captioned.Width, "a band on the left holds the file name");
        Assert.IsGreaterThan(bare.Height, captioned.Height, "a header holds original / augmented");
        Assert.IsTrue(captioned.Rgba.Where((_, i) => i % 4 != 3).Any(b => b < 128), "the captions are drawn in dark ink");
    }

    [TestMethod]
    public void LibraryWarningsGoToTheCommandsStderrNotTheProcessConsole()
    {
        using var dir = TestImages.TempDir();
        string images = Directory.CreateDirectory(dir.File("images")).FullName;
        TestImages.WritePng(Path.Combine(images, "a.png"), new byte[6 * 8 * 3], 8, 6);
        File.WriteAllText(dir.File("aug.json"), """{"featurewise_std_normalization": true}""");
        var console = Console.Error;
        using var processStderr = new StringWriter();
        Console.SetError(processStderr);
        (int Code, string Stdout, string Stderr) result;
        try
        {
            result = Run("preview", "--images", images, "--config", dir.File("aug.json"), "--out", dir.File("g.png"), "--rows", "1", "--cols", "2", "--no-captions");
        }
        finally
        {
            Console.SetError(console);
        }

        Assert.AreEqual(0, result.Code, result.Stderr);
        Assert.Contains("warning: This ImageDataGenerator specifies `featurewise_std_normalization`, which overrides setting of `featurewise_center`.", result.Stderr);
        Assert.AreEqual("", processStderr.ToString());
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = KerasMemCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
