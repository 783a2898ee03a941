using NumSharp;
using SkiaSharp;

namespace Keras.Preprocessing.Memory.Tests.Flow;

/// <summary>save_to_dir writes every served image as Keras names them, scaled to 0..255.</summary>
[TestClass]
public sealed class SaveToDirTests
{
    [TestMethod]
    public void WritesOnePngPerImageNamedLikeKeras()
    {
        var dir = Directory.CreateTempSubdirectory("kerasmem-save-").FullName;
        try
        {
            using var x = np.random.rand(5, 6, 7, 3).astype(NPTypeCode.Single);
            using var it = new ImageDataGenerator().flow(x, batch_size: 5, shuffle: false, save_to_dir: dir, save_prefix: "aug", seed: 3);
            var batch = TestData.Floats(it.next().x);

            var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray();
            Assert.HasCount(5, files);
            for (int i = 0; i < 5; i++)
            {
                StringAssert.Matches(files.Single(f => f!.StartsWith($"aug_{i}_")), new System.Text.RegularExpressions.Regex($@"^aug_{i}_\d{{1,4}}\.png$"));
            }

            // array_to_img(scale=True): divide by the image's max, times 255, truncate.
            using var bitmap = SKBitmap.Decode(Path.Combine(dir, files.Single(f => f!.StartsWith("aug_0_"))!));
            float max = batch.Take(6 * 7 * 3).Max();
            var pixel = bitmap.GetPixel(0, 0);
            Assert.AreEqual((byte)(int)(batch[0] / max * 255f), pixel.Red);
            Assert.AreEqual((byte)(int)(batch[1] / max * 255f), pixel.Green);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void MissingDirectoryOrFormatFailsUpFront()
    {
        using var x = np.zeros(new Shape(2, 4, 4, 3), NPTypeCode.Single);
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => new ImageDataGenerator().flow(x, save_to_dir: "/nonexistent/kerasmem"));
        Assert.AreEqual("save_format", Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator().flow(x, save_to_dir: Path.GetTempPath(), save_format: "gif")).ParamName);
    }
}
