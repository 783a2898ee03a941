namespace Keras.Preprocessing.Memory.Tests.Image;

/// <summary>The PIL-style helpers on <see cref="KerasImage"/>, checked against the Keras fixtures.</summary>
[TestClass]
public sealed class KerasImageTests
{
    private static byte[] ExpectedPixels(string file, string key)
    {
        FixtureImage image = ImageFixtures.Image(file);
        return ImageFixtures.Expected(image, image.Cases.Single(c => c.Key == key));
    }

    [TestMethod]
    [DataRow("bilinear")]
    [DataRow("lanczos")]
    [DataRow("nearest")]
    public void ResizeMatchesLoadImgTargetSize(string interpolation)
    {
        KerasImage img = ImageUtils.load_img(ImageFixtures.ImagePath("rgba.png"), color_mode: "rgba");
        KerasImage resized = img.resize((17, 11), interpolation);
        Assert.AreEqual((17, 11), resized.size);
        CollectionAssert.AreEqual(ExpectedPixels("images/rgba.png", $"rgba_11x17_{interpolation}"), resized.pixels);
    }

    [TestMethod]
    public void ResizeWithBoxMatchesKeepAspectRatio()
    {
        // Keras 2.x crops a 37x23 image to the centred 23x23 box for a square target.
        KerasImage img = ImageUtils.load_img(ImageFixtures.ImagePath("rgb.png"));
        KerasImage resized = img.resize((16, 16), "bicubic", (7, 0, 30, 23));
        CollectionAssert.AreEqual(ExpectedPixels("images/rgb.png", "rgb_16x16_bicubic_keep"), resized.pixels);
    }

    [TestMethod]
    public void ConvertMatchesPilConvert()
    {
        KerasImage rgb = ImageUtils.load_img(ImageFixtures.ImagePath("rgb.png"));
        CollectionAssert.AreEqual(ExpectedPixels("images/rgb.png", "grayscale_orig_nearest"), rgb.convert("L").pixels);
        KerasImage rgba = rgb.convert("RGBA");
        Assert.AreEqual("RGBA", rgba.mode);
        CollectionAssert.AreEqual(rgb.pixels, rgba.convert("RGB").pixels);
    }

    [TestMethod]
    public void SameSizeResizeIsACopy()
    {
        var img = new KerasImage([1, 2, 3, 4], 2, 2, "L");
        KerasImage same = img.resize((2, 2), "lanczos");
        CollectionAssert.AreEqual(img.pixels, same.pixels);
        Assert.AreNotSame(img.pixels, same.pixels);
    }

    [TestMethod]
    public void PixelsAreSharedNotCopied()
    {
        byte[] buffer = [10, 20, 30];
        var img = new KerasImage(buffer, 1, 1, "RGB");
        Assert.AreSame(buffer, img.pixels);
        Assert.AreEqual(3, img.channels);
        Assert.AreEqual("RGB", img.mode);
    }
}
