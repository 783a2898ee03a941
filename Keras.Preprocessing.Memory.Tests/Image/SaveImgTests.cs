using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Image;

/// <summary>save_img / KerasImage.save followed by load_img.</summary>
[TestClass]
public sealed class SaveImgTests
{
    private static KerasImage Fixture(string colorMode) =>
        ImageUtils.load_img(ImageFixtures.ImagePath("rgba.png"), color_mode: colorMode);

    private static KerasImage Smooth(string colorMode) =>
        ImageUtils.load_img(ImageFixtures.ImagePath("jpeg_444.jpg"), color_mode: colorMode);

    [TestMethod]
    [DataRow("x.png", "grayscale")]
    [DataRow("x.png", "rgb")]
    [DataRow("x.png", "rgba")]
    [DataRow("x.bmp", "grayscale")]
    [DataRow("x.bmp", "rgb")]
    public void LosslessFormatsRoundTripExactly(string name, string colorMode)
    {
        using var dir = new TempDirectory();
        KerasImage original = Fixture(colorMode);
        using NDArray x = ImageUtils.img_to_array(original);

        ImageUtils.save_img(dir.File(name), x, scale: false);
        KerasImage loaded = ImageUtils.load_img(dir.File(name), color_mode: colorMode);

        Assert.AreEqual(original.size, loaded.size);
        CollectionAssert.AreEqual(original.pixels, loaded.pixels);
    }

    public static IEnumerable<object[]> SaveJpegCases() =>
        ImageFixtures.Manifest.SaveJpeg.Select(c => new object[] { c.Name });

    /// <summary>
    /// Skia's JPEG encoder (libjpeg-turbo, standard tables, 4:2:0) at PIL's quality produces the
    /// same decoded pixels as Pillow's encoder, so the round trip is exact.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(SaveJpegCases))]
    public void JpegRoundTripMatchesPillow(string name)
    {
        SaveJpegCase c = ImageFixtures.Manifest.SaveJpeg.Single(x => x.Name == name);
        using var dir = new TempDirectory();
        using NDArray x = ImageUtils.img_to_array(ImageUtils.load_img(ImageFixtures.PathOf(c.Source), color_mode: c.ColorMode));

        ImageUtils.save_img(dir.File("x.jpg"), x, scale: false, quality: c.Quality == 75 ? null : c.Quality);
        using NDArray loaded = ImageUtils.img_to_array(ImageUtils.load_img(dir.File("x.jpg"), color_mode: c.ColorMode));

        using var npz = new NumSharp.IO.NpzFile(ImageFixtures.SaveJpegArchive, false, 10_000);
        byte[] expected = npz[name].Unsafe.Storage.AsSpan<byte>().ToArray();
        int[] shape = npz[name].shape.Select(d => (int)d).ToArray();
        Assert.AreEqual(0, PixelAssert.MaxAbsDiff(loaded, shape, expected, name));
    }

    /// <summary>WebP goes through Skia's libwebp, not Pillow's, so only closeness is checked.</summary>
    [TestMethod]
    public void WebpRoundTripsClosely()
    {
        using var dir = new TempDirectory();
        KerasImage original = Smooth("rgb");
        using NDArray x = ImageUtils.img_to_array(original);

        ImageUtils.save_img(dir.File("x.webp"), x, scale: false, quality: 100);
        KerasImage loaded = ImageUtils.load_img(dir.File("x.webp"));

        Assert.AreEqual(original.size, loaded.size);
        double meanError = original.pixels.Zip(loaded.pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.IsLessThan(12.0, meanError);
    }

    [TestMethod]
    [DoNotParallelize] // listens to KerasWarnings, a process-wide event
    [DataRow(null)]
    [DataRow("jpeg")]
    public void RgbaSavedAsJpegIsConvertedToRgbWithKerasWarning(string? fileFormat)
    {
        using var dir = new TempDirectory();
        using NDArray x = ImageUtils.img_to_array(Fixture("rgba"));
        var warnings = new List<string>();
        KerasWarnings.Warned += warnings.Add;
        try
        {
            ImageUtils.save_img(dir.File("x.jpg"), x, file_format: fileFormat, scale: false);
        }
        finally
        {
            KerasWarnings.Warned -= warnings.Add;
        }

        CollectionAssert.Contains(warnings, "The JPG format does not support RGBA images, converting to RGB.");
        KerasImage loaded = ImageUtils.load_img(dir.File("x.jpg"), color_mode: "rgba");
        Assert.IsTrue(loaded.pixels.Where((_, i) => i % 4 == 3).All(a => a == 255), "a JPEG carries no alpha");
    }

    [TestMethod]
    public void KerasImageSaveRefusesRgbaJpegLikePil()
    {
        using var dir = new TempDirectory();
        var e = Assert.ThrowsExactly<ArgumentException>(() => Fixture("rgba").save(dir.File("x.jpg")));
        StringAssert.Contains(e.Message, "cannot write mode RGBA as JPEG");
    }

    [TestMethod]
    public void FileFormatOverridesExtension()
    {
        using var dir = new TempDirectory();
        KerasImage original = Fixture("rgb");
        using NDArray x = ImageUtils.img_to_array(original);
        ImageUtils.save_img(dir.File("x.data"), x, file_format: "png", scale: false);
        Assert.AreEqual(0x89, File.ReadAllBytes(dir.File("x.data"))[0]);
        CollectionAssert.AreEqual(original.pixels, ImageUtils.load_img(dir.File("x.data")).pixels);
    }

    [TestMethod]
    public void ScaleRescalesBeforeSaving()
    {
        using var dir = new TempDirectory();
        using var x = new NDArray(new float[] { -1f, 0f, 0.5f, 1f, 3f, 2f }, new Shape(2, 3, 1));
        ImageUtils.save_img(dir.File("x.png"), x);
        KerasImage loaded = ImageUtils.load_img(dir.File("x.png"), color_mode: "grayscale");
        CollectionAssert.AreEqual(ImageUtils.array_to_img(x).pixels, loaded.pixels);
        CollectionAssert.AreEqual(new byte[] { 0, 63, 95, 127, 255, 191 }, loaded.pixels);
    }

    [TestMethod]
    public void UnknownExtensionIsRejected()
    {
        using var dir = new TempDirectory();
        using var x = new NDArray(new float[3], new Shape(1, 1, 3));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.save_img(dir.File("x.xyz"), x));
        StringAssert.Contains(e.Message, "unknown file extension: .xyz");
        Assert.ThrowsExactly<NotSupportedException>(() => ImageUtils.save_img(dir.File("x.gif"), x));
        Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.save_img(dir.File("x.png"), x, file_format: "xyz"));
    }
}
