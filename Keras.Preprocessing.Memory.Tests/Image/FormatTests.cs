using Keras.Preprocessing.Memory.Image;
using Keras.Preprocessing.Memory.Tests.Files;
using Microsoft.Data.Analysis;
using NumSharp;
using NumSharp.IO;

namespace Keras.Preprocessing.Memory.Tests.Image;

/// <summary>
/// PPM/PGM/PBM and TIFF decoding and encoding against Pillow (Fixtures/image_formats, regenerate with
/// generate_formats.py): decoded pixels, load_img with a target size, encoder bytes, bad files and a
/// flow_from_directory batch.
/// </summary>
[TestClass]
public sealed class FormatTests
{
    private static readonly Lazy<Dictionary<string, (byte[] Data, int[] Shape)>> Expected = new(LoadExpected);

    private static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "image_formats");

    private static string FilePath(string name) => Path.Combine(Root, "files", name);

    private static Dictionary<string, (byte[] Data, int[] Shape)> LoadExpected()
    {
        using var npz = new NpzFile(Path.Combine(Root, "expected.npz"), false, 10_000);
        return npz.Keys.ToDictionary(k => k, k => (npz[k].ToArray<byte>(), npz[k].shape.Select(d => (int)d).ToArray()));
    }

    private static string ColorMode(string pilMode) => pilMode switch { "L" => "grayscale", "RGB" => "rgb", _ => "rgba" };

    public static IEnumerable<object[]> DecodeCases() =>
        LoadExpected().Keys.Where(k => k.StartsWith("decode|", StringComparison.Ordinal))
            .SelectMany(k => new[] { "L", "RGB", "RGBA" }.Select(mode => new object[] { k[7..], mode }));

    [TestMethod]
    [DynamicData(nameof(DecodeCases))]
    public void DecodeMatchesPillowConvert(string file, string pilMode)
    {
        KerasImage image = ImageUtils.load_img(FilePath(file), color_mode: ColorMode(pilMode));
        byte[] data = Expected.Value["decode|" + file].Data;
        int height = data[0], width = data[1], pixels = height * width;
        (int start, int channels) = pilMode switch { "L" => (2, 1), "RGB" => (2 + pixels, 3), _ => (2 + (4 * pixels), 4) };
        Assert.AreEqual((width, height), (image.width, image.height));
        CollectionAssert.AreEqual(data[start..(start + (pixels * channels))], image.pixels, $"{file} as {pilMode}");
    }

    public static IEnumerable<object[]> LoadCases() =>
        LoadExpected().Keys.Where(k => k.StartsWith("load|", StringComparison.Ordinal))
            .Select(k => new object[] { k.Split('|')[1], k.Split('|')[2] });

    [TestMethod]
    [DynamicData(nameof(LoadCases))]
    public void LoadImgWithTargetSizeMatchesKeras(string file, string key)
    {
        (string colorMode, (int, int) size, string interpolation) = key switch
        {
            "gray_bilinear" => ("grayscale", (5, 7), "bilinear"),
            "rgb_nearest" => ("rgb", (11, 6), "nearest"),
            _ => ("rgba", (4, 4), "bicubic"),
        };
        KerasImage image = ImageUtils.load_img(FilePath(file), color_mode: colorMode, target_size: size, interpolation: interpolation);
        (byte[] data, int[] shape) = Expected.Value[$"load|{file}|{key}"];
        Assert.AreEqual(shape[0], image.height);
        Assert.AreEqual(shape[1], image.width);
        CollectionAssert.AreEqual(data, image.pixels, $"{file} {key}");
    }

    /// <summary>Our PPM and TIFF writers produce Pillow's bytes exactly for the same pixels.</summary>
    [TestMethod]
    [DataRow("grayscale", "l.ppm", null)]
    [DataRow("rgb", "rgb.ppm", null)]
    [DataRow("grayscale", "l.tif", null)]
    [DataRow("rgb", "rgb.tif", null)]
    [DataRow("rgba", "rgba.tif", null)]
    [DataRow("rgb", "rgb.tif", "tiff")]
    [DataRow("rgb", "rgb.ppm", "ppm")]
    public void EncoderWritesPillowBytes(string colorMode, string pilFile, string? format)
    {
        using var dir = new TempDirectory();
        KerasImage image = ImageUtils.load_img(Path.Combine(Root, "source.png"), color_mode: colorMode);
        string path = dir.File(format is null ? pilFile : "noextension");
        image.save(path, format);
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(Root, "pil", pilFile)), File.ReadAllBytes(path), pilFile);
    }

    [TestMethod]
    public void SaveImgWritesTiffThatReadsBack()
    {
        using var dir = new TempDirectory();
        KerasImage original = ImageUtils.load_img(Path.Combine(Root, "source.png"), color_mode: "rgba");
        using NDArray x = ImageUtils.img_to_array(original);
        ImageUtils.save_img(dir.File("x.tiff"), x, scale: false);
        CollectionAssert.AreEqual(original.pixels, ImageUtils.load_img(dir.File("x.tiff"), color_mode: "rgba").pixels);
    }

    [TestMethod]
    [DataRow("tiff")]
    [DataRow("tif")]
    [DataRow("ppm")]
    public void FlowSaveFormatWritesTiffAndPpm(string format)
    {
        using var dir = new TempDirectory();
        using var x = np.zeros(new Shape(2, 4, 5, 3), NPTypeCode.Single);
        using var it = new ImageDataGenerator().flow(x, batch_size: 2, shuffle: false, save_to_dir: dir.Path, save_format: format);
        using var batch = it.next();
        string[] files = Directory.GetFiles(dir.Path, "*." + format);
        Assert.HasCount(2, files);
        foreach (string file in files)
        {
            KerasImage image = ImageUtils.load_img(file);
            Assert.AreEqual((5, 4), (image.width, image.height));
        }
    }

    [TestMethod]
    public void SavingGifIsStillRefused()
    {
        using var dir = new TempDirectory();
        KerasImage image = ImageUtils.load_img(Path.Combine(Root, "source.png"));
        Assert.ThrowsExactly<NotSupportedException>(() => image.save(dir.File("x.gif")));
    }

    [TestMethod]
    [DataRow("rgb_tiff_lzw.tif", 0.6)]
    [DataRow("rgb_raw.tif", 0.5)]
    [DataRow("l_tiff_adobe_deflate.tif", 0.5)]
    [DataRow("p_packbits.tif", 0.3)]
    [DataRow("rgb.ppm", 0.5)]
    [DataRow("ascii.pgm", 0.5)]
    [DataRow("rgb_raw.tif", 0.02)]
    [DataRow("gray.pgm", 0.05)]
    public void TruncatedFilesThrowNamingTheFile(string file, double keep)
    {
        using var dir = new TempDirectory();
        byte[] bytes = File.ReadAllBytes(FilePath(file));
        string path = dir.File(file);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageUtils.load_img(path));
        Assert.AreEqual(path, e.FileName);
        StringAssert.Contains(e.Message, path);
    }

    /// <summary>Sample layouts Pillow cannot open (the generator checks it fails) are refused, naming the sample format.</summary>
    [TestMethod]
    [DataRow("unsupported_be_uint32.tif")]
    [DataRow("unsupported_int8_signed.tif")]
    [DataRow("unsupported_float16.tif")]
    public void TiffSampleFormatsPillowCannotOpenAreRefused(string file)
    {
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageUtils.load_img(FilePath(file)));
        StringAssert.Contains(e.Message, "sample format");
        Assert.AreEqual(FilePath(file), e.FileName);
    }

    /// <summary>Every prefix of every fixture either decodes or throws ImageDecodeException; nothing else escapes.</summary>
    [TestMethod]
    public void EveryTruncationFailsCleanly()
    {
        foreach (string path in Directory.GetFiles(Path.Combine(Root, "files")))
        {
            byte[] bytes = File.ReadAllBytes(path);
            for (int length = 0; length < bytes.Length; length += 5)
            {
                try
                {
                    _ = ImageDecoder.Decode(bytes.AsSpan(0, length), path, ImageMode.RGBA);
                }
                catch (ImageDecodeException e)
                {
                    Assert.AreEqual(path, e.FileName);
                }
            }
        }
    }

    [TestMethod]
    public void CorruptFilesThrowNamingTheFile()
    {
        using var dir = new TempDirectory();
        var random = new Random(7);
        foreach (string file in new[] { "rgb_tiff_lzw.tif", "rgba_tiff_adobe_deflate.tif", "l_packbits.tif", "rgb.ppm", "ascii.ppm" })
        {
            for (int trial = 0; trial < 40; trial++)
            {
                byte[] bytes = File.ReadAllBytes(FilePath(file));
                for (int k = 0; k < 4; k++)
                {
                    bytes[random.Next(4, bytes.Length)] = (byte)random.Next(256);
                }
                string path = dir.File($"{trial}_{file}");
                File.WriteAllBytes(path, bytes);
                try
                {
                    _ = ImageUtils.load_img(path);
                }
                catch (ImageDecodeException e)
                {
                    Assert.AreEqual(path, e.FileName);
                }
                catch (DecompressionBombException)
                {
                    // A corrupted width or height may exceed the pixel limit; that is refused by design.
                }
            }
        }
    }

    [TestMethod]
    public void ProbeReadsTiffAndPpmSizes()
    {
        foreach (string file in new[] { "rgb_tiff_lzw.tif", "rgb_raw.tif", "rgb.ppm", "ascii.pbm", "gray16.pgm" })
        {
            Assert.IsNull(ImageProbe.FileProblem(FilePath(file)), file);
        }
        Assert.IsNotNull(ImageProbe.Problem(new byte[] { (byte)'I', (byte)'I', 42, 0, 0xff, 0xff, 0, 0 }, "x.tif"));
    }

    /// <summary>Validation used to drop TIFF and PPM rows (no decoder); now they are read like Keras's.</summary>
    [TestMethod]
    public void FlowFromDataframeKeepsTiffAndPpmRows()
    {
        string[] files = ["cats/a.tif", "cats/b.ppm", "dogs/c.tiff", "dogs/d.ppm"];
        var df = new DataFrame(new StringDataFrameColumn("filename", files), new StringDataFrameColumn("class", ["cats", "cats", "dogs", "dogs"]));
        using var built = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(
            df, Path.Combine(Root, "flow"), target_size: (6, 8), batch_size: 4, shuffle: false));
        Assert.IsEmpty(built.Warnings);
        Assert.AreEqual(4, built.Iterator.n);
        using var batch = built.Iterator.next();
        (byte[] x, _) = Expected.Value["flow|x"];
        CollectionAssert.AreEqual(x.Select(b => (float)b).ToArray(), batch.x.ToArray<float>());
    }

    [TestMethod]
    public void FlowFromDirectoryMatchesKeras()
    {
        using var it = new ImageDataGenerator().flow_from_directory(Path.Combine(Root, "flow"), target_size: (6, 8), batch_size: 4, shuffle: false);
        using var batch = it.next();
        (byte[] x, int[] shape) = Expected.Value["flow|x"];
        Assert.AreEqual(string.Join(",", shape), string.Join(",", batch.x.shape));
        CollectionAssert.AreEqual(x.Select(b => (float)b).ToArray(), batch.x.ToArray<float>(), "x");
        CollectionAssert.AreEqual(Expected.Value["flow|y"].Data.Select(b => (float)b).ToArray(), batch.y!.ToArray<float>());
        string names = System.Text.Encoding.ASCII.GetString(Expected.Value["flow|filenames"].Data);
        CollectionAssert.AreEqual(names.Split('\n'), it.filenames.Select(f => f.Replace('\\', '/')).ToArray());
    }
}
