using Keras.Preprocessing.Memory.Gpu;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Package;

/// <summary>
/// Without dynamic code (a .NET 10 file-based program's PublishAot default), ILGPU cannot compile kernels: a named
/// GPU fails fast naming the directive to add, and "auto" uses the CPU with a warning saying why.
/// </summary>
[TestClass]
[DoNotParallelize] // process-wide state: the logger, the console, the dynamic-code switch, KerasWarnings
public sealed class DynamicCodeTests
{
    [TestCleanup]
    public void Restore() => DynamicCode.SupportedOverride = null;

    [TestMethod]
    public void ThisTestProcessHasDynamicCode() => Assert.IsTrue(DynamicCode.Supported);

    [TestMethod]
    public void ANamedGpuThrowsNamingTheDirective()
    {
        DynamicCode.SupportedOverride = false;
        using var x = TestImages.RandomUInt8(4, 3, 3, 3, seed: 1);

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new ImageDataGenerator().flow(x, batch_size: 2, device: "gpu"));

        StringAssert.Contains(e.Message, "#:property PublishAot=false");
        StringAssert.Contains(e.Message, "dynamic code");
    }

    [TestMethod]
    public void AutoAugmentsOnTheCpuAndSaysWhy()
    {
        DynamicCode.SupportedOverride = false;
        var logger = new ListLogger();
        var warned = new List<string>();
        KerasWarnings.Warned += warned.Add;
        try
        {
            using var x = TestImages.RandomUInt8(4, 3, 3, 3, seed: 1);
            using var it = new ImageDataGenerator().flow(x, batch_size: 2, device: "auto");
            using var batch = it.next();
            Assert.AreEqual(2, (int)batch.x.shape[0]);
        }
        finally
        {
            KerasWarnings.Warned -= warned.Add;
        }

        // Once per process: an earlier test in this process may have taken it, so check the text it has.
        typeof(DynamicCode).GetField("_warned", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.SetValue(null, 0);
        using (KerasLogging.Use(logger))
        {
            using var x = TestImages.RandomUInt8(4, 3, 3, 3, seed: 1);
            using var it = new ImageDataGenerator().flow(x, batch_size: 2, device: "auto");
        }

        string warning = logger.Messages(Microsoft.Extensions.Logging.LogLevel.Warning).Single();
        StringAssert.Contains(warning, "augmenting on the CPU because this program runs without dynamic code");
        StringAssert.Contains(warning, "#:property PublishAot=false");
    }
}
