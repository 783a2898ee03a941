namespace Keras.Preprocessing.Memory.Tests.Image;

/// <summary>
/// load_img + img_to_array against what keras_preprocessing 1.1.0 on Pillow 9.4 returned for the
/// same files (Fixtures/image_io, regenerate with generate_images.py).
/// </summary>
[TestClass]
public sealed class LoadImgFixtureTests
{
    /// <summary>
    /// Largest per-channel difference allowed for the convolution filters. The resampler mirrors
    /// Pillow's fixed-point arithmetic, so the recorded results are reproduced exactly.
    /// </summary>
    private const int ConvolutionTolerance = 0;

    public static IEnumerable<object[]> Cases() =>
        ImageFixtures.Manifest.Images.SelectMany(image => image.Cases.Select(c => new object[] { image.File, c.Key }));

    public static IEnumerable<object[]> DecodeCases() =>
        ImageFixtures.Manifest.Images.SelectMany(image => image.Cases
            .Where(c => c.TargetSize is null)
            .Select(c => new object[] { image.File, c.Key }));

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void LoadImgMatchesKeras(string file, string key)
    {
        FixtureImage image = ImageFixtures.Image(file);
        FixtureCase c = image.Cases.Single(x => x.Key == key);
        (int, int)? target = c.TargetSize is { } t ? (t[0], t[1]) : null;

        KerasImage img = ImageUtils.load_img(
            ImageFixtures.PathOf(file), color_mode: c.ColorMode, target_size: target,
            interpolation: c.Interpolation, keep_aspect_ratio: c.KeepAspectRatio);
        using var array = ImageUtils.img_to_array(img);

        int diff = PixelAssert.MaxAbsDiff(array, c.Shape, ImageFixtures.Expected(image, c), $"{file} {key}");
        bool exact = c.TargetSize is null || c.Interpolation == "nearest";
        Assert.IsLessThanOrEqualTo(exact ? 0 : ConvolutionTolerance, diff, $"{file} {key}: max abs diff {diff}");
    }

    [TestMethod]
    [DynamicData(nameof(DecodeCases))]
    public void DecodeImageMatchesKeras(string file, string key)
    {
        FixtureImage image = ImageFixtures.Image(file);
        FixtureCase c = image.Cases.Single(x => x.Key == key);
        byte[] bytes = File.ReadAllBytes(ImageFixtures.PathOf(file));
        KerasImage img = ImageUtils.decode_image(bytes, color_mode: c.ColorMode);
        using var array = ImageUtils.img_to_array(img);
        Assert.AreEqual(0, PixelAssert.MaxAbsDiff(array, c.Shape, ImageFixtures.Expected(image, c), $"{file} {key}"));
    }
}
