using System.Buffers.Binary;

namespace Keras.Preprocessing.Memory.Tests.Image;

/// <summary>Missing, empty, truncated, corrupt and oversized inputs, and invalid arguments.</summary>
[TestClass]
public sealed class BadInputTests
{
    [TestMethod]
    public void MissingFileThrowsFileNotFoundNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "missing.png");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ImageUtils.load_img(path));
        Assert.AreEqual(path, e.FileName);
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void EmptyFileThrowsImageDecodeExceptionNamingTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("empty.png");
        File.WriteAllBytes(path, []);
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageUtils.load_img(path));
        Assert.AreEqual(path, e.FileName);
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "empty");
    }

    [TestMethod]
    public void NonImageFileIsUnidentified()
    {
        using var dir = new TempDirectory();
        string path = dir.File("notes.jpg");
        File.WriteAllText(path, "this is not an image, just some text that happens to be long enough");
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageUtils.load_img(path));
        StringAssert.Contains(e.Message, $"cannot identify image file '{path}'");
    }

    [TestMethod]
    [DataRow("rgb.png", 0.5)]
    [DataRow("jpeg_420.jpg", 0.5)]
    [DataRow("jpeg_progressive.jpg", 0.6)]
    [DataRow("palette.gif", 0.5)]
    [DataRow("webp_lossless.webp", 0.5)]
    [DataRow("bmp24.bmp", 0.5)]
    [DataRow("gray16.png", 0.6)]
    [DataRow("gray16_interlaced.png", 0.6)]
    [DataRow("rgb.png", 0.01)]
    public void TruncatedFileThrowsImageDecodeExceptionNamingTheFile(string name, double keep)
    {
        using var dir = new TempDirectory();
        byte[] full = File.ReadAllBytes(ImageFixtures.ImagePath(name));
        string path = dir.File("cut-" + name);
        File.WriteAllBytes(path, full[..Math.Max(1, (int)(full.Length * keep))]);

        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageUtils.load_img(path));
        Assert.AreEqual(path, e.FileName);
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void EmptyBytesAreRejected()
    {
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageUtils.decode_image([]));
        Assert.AreEqual("<bytes>", e.FileName);
    }

    [TestMethod]
    public void PixelLimitRejectsLargerImagesBeforeDecoding()
    {
        long? previous = ImageUtils.max_image_pixels;
        try
        {
            ImageUtils.max_image_pixels = 37 * 23 - 1;
            string path = ImageFixtures.ImagePath("rgb.png");
            var e = Assert.ThrowsExactly<DecompressionBombException>(() => ImageUtils.load_img(path));
            Assert.AreEqual(path, e.FileName);
            Assert.AreEqual(37, e.Width);
            Assert.AreEqual(23, e.Height);
            StringAssert.Contains(e.Message, "851 pixels");
            StringAssert.Contains(e.Message, path);

            ImageUtils.max_image_pixels = 37 * 23;
            Assert.AreEqual(37, ImageUtils.load_img(path).width);

            ImageUtils.max_image_pixels = null;
            Assert.AreEqual(37, ImageUtils.load_img(path).width);
        }
        finally
        {
            ImageUtils.max_image_pixels = previous;
        }
    }

    [TestMethod]
    public void DefaultPixelLimitIsPils()
    {
        Assert.AreEqual(89_478_485L, ImageUtils.max_image_pixels);
    }

    [TestMethod]
    public void ForgedHugeHeaderIsABombNotAnAllocation()
    {
        // A 24-bit BMP header claiming 50000 x 50000 pixels (7.5 GB decoded) with no pixel data.
        byte[] bmp = new byte[54];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 50_000);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 50_000);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);

        var e = Assert.ThrowsExactly<DecompressionBombException>(() => ImageUtils.decode_image(bmp));
        Assert.AreEqual(2_500_000_000L, (long)e.Width * e.Height);
    }

    [TestMethod]
    [DataRow(0L)]
    [DataRow(-5L)]
    public void PixelLimitMustBePositive(long limit)
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageUtils.max_image_pixels = limit);
        Assert.AreEqual(89_478_485L, ImageUtils.max_image_pixels);
    }

    [TestMethod]
    public void UnknownInterpolationListsSupportedMethods()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            ImageUtils.load_img(ImageFixtures.ImagePath("rgb.png"), target_size: (5, 5), interpolation: "area"));
        StringAssert.Contains(e.Message,
            "Invalid interpolation method area specified. Supported methods are nearest, bilinear, bicubic, hamming, box, lanczos");
        Assert.AreEqual("interpolation", e.ParamName);
    }

    [TestMethod]
    public void UnknownColorModeIsRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            ImageUtils.load_img(ImageFixtures.ImagePath("rgb.png"), color_mode: "cmyk"));
        StringAssert.Contains(e.Message, "color_mode must be \"grayscale\", \"rgb\", or \"rgba\"");
    }

    [TestMethod]
    [DataRow(0, 5)]
    [DataRow(5, -1)]
    public void NonPositiveTargetSizeIsRejected(int height, int width)
    {
        Assert.ThrowsExactly<ArgumentException>(() =>
            ImageUtils.load_img(ImageFixtures.ImagePath("rgb.png"), target_size: (height, width)));
    }

    [TestMethod]
    [DoNotParallelize] // listens to KerasWarnings, a process-wide event
    public void GrayscaleFlagOverridesColorModeWithKerasDeprecationWarning()
    {
        var warnings = new List<string>();
        KerasWarnings.Warned += warnings.Add;
        try
        {
            KerasImage img = ImageUtils.load_img(ImageFixtures.ImagePath("rgb.png"), grayscale: true, color_mode: "rgba");
            Assert.AreEqual("L", img.mode);
        }
        finally
        {
            KerasWarnings.Warned -= warnings.Add;
        }

        CollectionAssert.Contains(warnings, "grayscale is deprecated. Please use color_mode = \"grayscale\"");
    }

    [TestMethod]
    public void KerasImageValidatesItsBuffer()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new KerasImage(new byte[5], 2, 1, "RGB"));
        Assert.ThrowsExactly<ArgumentException>(() => new KerasImage(new byte[2], 2, 1, "P"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new KerasImage([], 0, 1, "L"));
    }

    [TestMethod]
    public void ResizeBoxOutsideTheImageIsRejected()
    {
        var img = new KerasImage(new byte[12], 4, 3, "L");
        var e = Assert.ThrowsExactly<ArgumentException>(() => img.resize((2, 2), "bilinear", (0, 0, 5, 3)));
        StringAssert.Contains(e.Message, "box can't exceed original image size");
        Assert.ThrowsExactly<ArgumentException>(() => img.resize((2, 2), "bilinear", (-1, 0, 2, 2)));
        Assert.ThrowsExactly<ArgumentException>(() => img.resize((0, 2)));
    }
}
