namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// <c>array_to_img(x, scale, dtype)</c> with dtypes other than float32/float64, against keras_preprocessing 1.1.0:
/// <c>np.asarray(x, dtype)</c> first, then the scaling (which numpy refuses in place on integers) and the uint8 cast.
/// </summary>
[TestClass]
public sealed class ArrayToImgDTypeTests
{
    public static IEnumerable<object[]> Cases => CompatFixtures.Names("array_to_img");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ImageMatchesKeras(string name)
    {
        var c = CompatFixtures.Case("array_to_img", name);
        string dtype = c.GetProperty("dtype").GetString()!;
        bool scale = c.GetProperty("scale").GetBoolean();
        using var x = Fixture.Load(c.GetProperty("x").GetString()!);

        if (c.GetProperty("error").GetString() is { } error)
        {
            var e = Assert.Throws<ArgumentException>(() => ImageUtils.array_to_img(x, scale: scale, dtype: dtype));
            Assert.AreEqual("dtype", e.ParamName, error);
            StringAssert.Contains(e.Message, "UFuncTypeError");
            return;
        }

        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);
        var image = ImageUtils.array_to_img(x, scale: scale, dtype: dtype);
        using var pixels = ImageUtils.img_to_array(image);
        var want = Fixture.Doubles(expected);
        var got = Fixture.Doubles(pixels);
        Assert.HasCount(want.Length, got);

        // float16: Keras scales step by step in float16, we in float32 after rounding x to float16; the uint8 cast
        // can then fall one apart. Integer dtypes take no arithmetic: identical.
        double tolerance = dtype == "float16" ? 1 : 0;
        for (int i = 0; i < want.Length; i++)
        {
            Assert.AreEqual(want[i], got[i], tolerance, $"{name}: pixel value {i}");
        }
    }
}
