using Microsoft.Data.Analysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Package;

/// <summary>
/// The library's messages go through one replaceable ILogger: printed like Keras by default, replaceable or silenced
/// for the process, per generator and per call, and never written to the console behind the logger's back.
/// </summary>
[TestClass]
[DoNotParallelize] // process-wide state: the logger, the console, the dynamic-code switch, KerasWarnings
public sealed class LoggingTests
{
    private string _folder = "";

    [TestInitialize]
    public void WriteImages()
    {
        _folder = Directory.CreateTempSubdirectory("kerasmemory-logging-").FullName;
        foreach (string cls in new[] { "cat", "dog" })
        {
            Directory.CreateDirectory(Path.Combine(_folder, cls));
            for (int i = 0; i < 3; i++)
            {
                using var pixels = TestImages.RandomUInt8(1, 6, 5, 3, seed: i).reshape(6, 5, 3);
                ImageUtils.save_img(Path.Combine(_folder, cls, $"{cls}{i}.png"), pixels, scale: false);
            }
        }

        File.WriteAllText(Path.Combine(_folder, "broken.png"), "not an image");
    }

    [TestCleanup]
    public void Cleanup()
    {
        KerasLogging.Logger = KerasConsoleLogger.Instance;
        Directory.Delete(_folder, recursive: true);
    }

    [TestMethod]
    public void ByDefaultTheFoundLineIsPrintedToStandardOutputLikeKeras()
    {
        string printed = CaptureConsole(() => new ImageDataGenerator().flow_from_directory(_folder, target_size: (4, 4)).Dispose()).Out;

        Assert.AreEqual("Found 6 images belonging to 2 classes.", printed.Trim());
    }

    [TestMethod]
    public void APerCallLoggerGetsTheFoundLineAndWarningsAndTheConsoleGetsNothing()
    {
        var logger = new ListLogger();
        var df = new DataFrame(
            new StringDataFrameColumn("filename", ["cat/cat0.png", "dog/dog1.png", "broken.png", "missing.png"]),
            new StringDataFrameColumn("class", ["cat", "dog", "cat", "dog"]));

        var (stdout, stderr) = CaptureConsole(() =>
            new ImageDataGenerator().flow_from_dataframe(df, _folder, target_size: (4, 4), logger: logger).Dispose());

        Assert.AreEqual("", stdout);
        Assert.AreEqual("", stderr);
        CollectionAssert.AreEqual(new[] { "Found 2 validated image filenames belonging to 2 classes." }, logger.Messages(LogLevel.Information).ToArray());
        var warnings = logger.Messages(LogLevel.Warning).ToArray();
        Assert.IsGreaterThanOrEqualTo(1, warnings.Length, "the invalid rows are reported as a warning");
        StringAssert.Contains(string.Join("\n", warnings), "missing.png");
    }

    [TestMethod]
    public void AGeneratorLoggerAppliesToItsCallsAndAPerCallLoggerOverridesIt()
    {
        var perGenerator = new ListLogger();
        var perCall = new ListLogger();
        var datagen = new ImageDataGenerator { logger = perGenerator };

        datagen.flow_from_directory(_folder, target_size: (4, 4)).Dispose();
        datagen.flow_from_directory(_folder, target_size: (4, 4), logger: perCall).Dispose();

        Assert.HasCount(1, perGenerator.Entries);
        Assert.HasCount(1, perCall.Entries);
    }

    [TestMethod]
    public void TheProcessWideNullLoggerSilencesEverything()
    {
        KerasLogging.Logger = NullLogger.Instance;
        var (stdout, stderr) = CaptureConsole(() =>
        {
            new ImageDataGenerator().flow_from_directory(_folder, target_size: (4, 4)).Dispose();
            KerasWarnings.Warn("a warning nobody should see");
        });

        Assert.AreEqual("", stdout);
        Assert.AreEqual("", stderr);
    }

    [TestMethod]
    public void WarningsGoToTheCurrentLoggerAndStillRaiseWarned()
    {
        var logger = new ListLogger();
        var raised = new List<string>();
        KerasWarnings.Warned += raised.Add;
        try
        {
            using (KerasLogging.Use(logger))
            {
                KerasWarnings.Warn("careful");
            }

            KerasLogging.Logger = NullLogger.Instance;
            KerasWarnings.Warn("outside the scope");
        }
        finally
        {
            KerasWarnings.Warned -= raised.Add;
        }

        CollectionAssert.AreEqual(new[] { (LogLevel.Warning, "careful") }, logger.Entries);
        CollectionAssert.AreEqual(new[] { "careful", "outside the scope" }, raised);
    }

    [TestMethod]
    public void TheDefaultLoggerPrintsWarningsAsPythonDoes()
    {
        bool before = KerasWarnings.WriteToStandardError;   // other test classes turn it off for the process
        KerasWarnings.WriteToStandardError = true;
        string stderr;
        try
        {
            stderr = CaptureConsole(() => KerasWarnings.Warn("`zca_whitening` overrides `featurewise_std_normalization`.")).Err;
        }
        finally
        {
            KerasWarnings.WriteToStandardError = before;
        }

        Assert.AreEqual("UserWarning: `zca_whitening` overrides `featurewise_std_normalization`.", stderr.Trim());
    }

    private static (string Out, string Err) CaptureConsole(Action action)
    {
        TextWriter stdout = Console.Out, stderr = Console.Error;
        using var outWriter = new StringWriter();
        using var errWriter = new StringWriter();
        Console.SetOut(outWriter);
        Console.SetError(errWriter);
        try
        {
            action();
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        return (outWriter.ToString(), errWriter.ToString());
    }
}
