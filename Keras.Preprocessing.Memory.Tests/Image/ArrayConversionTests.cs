using NumSharp;
using NumSharp.IO;

namespace Keras.Preprocessing.Memory.Tests.Image;

/// <summary>img_to_array and array_to_img: layouts, dtypes, Keras's scaling and numpy's uint8 cast.</summary>
[TestClass]
public sealed class ArrayConversionTests
{
    public static IEnumerable<object[]> ArrayToImgCases() =>
        ImageFixtures.Manifest.ArrayToImg.Select(c => new object[] { c.Name });

    [TestMethod]
    [DynamicData(nameof(ArrayToImgCases))]
    public void ArrayToImgMatchesKeras(string name)
    {
        ArrayToImgCase c = ImageFixtures.Manifest.ArrayToImg.Single(x => x.Name == name);
        using var npz = new NpzFile(ImageFixtures.ArrayToImgArchive, false, 10_000);
        NDArray input = npz["in_" + name];
        byte[] expected = npz["out_" + name].Unsafe.Storage.AsSpan<byte>().ToArray();

        KerasImage img = ImageUtils.array_to_img(input, c.DataFormat, c.Scale, c.Dtype);

        Assert.AreEqual(c.Mode, img.mode);
        Assert.AreEqual(c.OutShape[0], img.height);
        Assert.AreEqual(c.OutShape[1], img.width);
        CollectionAssert.AreEqual(expected, img.pixels, name);
    }

    [TestMethod]
    public void ImgToArrayChannelsLast()
    {
        var img = new KerasImage([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 2, 2, "RGB");
        using NDArray x = ImageUtils.img_to_array(img);
        CollectionAssert.AreEqual(new long[] { 2, 2, 3 }, x.shape);
        Assert.AreEqual(NPTypeCode.Single, x.typecode);
        Assert.AreEqual(6f, x.GetSingle(0, 1, 2));
        Assert.AreEqual(10f, x.GetSingle(1, 1, 0));
    }

    [TestMethod]
    public void ImgToArrayChannelsFirstTransposes()
    {
        var img = new KerasImage([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 2, 2, "RGB");
        using NDArray x = ImageUtils.img_to_array(img, data_format: "channels_first");
        CollectionAssert.AreEqual(new long[] { 3, 2, 2 }, x.shape);
        Assert.AreEqual(6f, x.GetSingle(2, 0, 1));
        Assert.AreEqual(10f, x.GetSingle(0, 1, 1));
    }

    [TestMethod]
    [DataRow("channels_last", new long[] { 2, 3, 1 })]
    [DataRow("channels_first", new long[] { 1, 2, 3 })]
    public void ImgToArrayGrayscaleKeepsChannelAxis(string dataFormat, long[] shape)
    {
        var img = new KerasImage([0, 50, 100, 150, 200, 255], 3, 2, "L");
        using NDArray x = ImageUtils.img_to_array(img, dataFormat);
        CollectionAssert.AreEqual(shape, x.shape);
        Assert.AreEqual(255f, x.Unsafe.Storage.AsSpan<float>()[5]);
    }

    [TestMethod]
    [DataRow("float64", NPTypeCode.Double)]
    [DataRow("uint8", NPTypeCode.Byte)]
    [DataRow("int32", NPTypeCode.Int32)]
    [DataRow("float16", NPTypeCode.Half)]
    public void ImgToArrayHonoursDtype(string dtype, NPTypeCode expected)
    {
        var img = new KerasImage([1, 2, 3, 4, 5, 250], 2, 1, "RGB");
        using NDArray x = ImageUtils.img_to_array(img, "channels_first", dtype);
        Assert.AreEqual(expected, x.typecode);
        using NDArray asDouble = x.astype(NPTypeCode.Double, true);
        CollectionAssert.AreEqual(new double[] { 1, 4, 2, 5, 3, 250 }, asDouble.Unsafe.Storage.AsSpan<double>().ToArray());
    }

    [TestMethod]
    [DataRow("L", "channels_last")]
    [DataRow("RGB", "channels_last")]
    [DataRow("RGBA", "channels_last")]
    [DataRow("L", "channels_first")]
    [DataRow("RGB", "channels_first")]
    [DataRow("RGBA", "channels_first")]
    public void ImgToArrayThenArrayToImgRoundTrips(string mode, string dataFormat)
    {
        var original = ImageUtils.load_img(ImageFixtures.ImagePath("rgba.png"), color_mode: mode switch
        {
            "L" => "grayscale",
            "RGB" => "rgb",
            _ => "rgba",
        });
        using NDArray x = ImageUtils.img_to_array(original, dataFormat);
        KerasImage back = ImageUtils.array_to_img(x, dataFormat, scale: false);
        Assert.AreEqual(mode, back.mode);
        Assert.AreEqual(original.size, back.size);
        CollectionAssert.AreEqual(original.pixels, back.pixels);
    }

    [TestMethod]
    public void ArrayToImgReadsNonContiguousViewsAndLeavesInputAlone()
    {
        float[] values = Enumerable.Range(0, 2 * 3 * 4).Select(i => (float)(i * 10)).ToArray();
        using var hwc = new NDArray(values, new Shape(2, 3, 4));
        using NDArray chw = hwc.transpose([2, 0, 1]);
        Assert.IsFalse(chw.Shape.IsContiguous);

        KerasImage fromView = ImageUtils.array_to_img(chw, "channels_first", scale: false);
        KerasImage fromOriginal = ImageUtils.array_to_img(hwc, scale: false);

        CollectionAssert.AreEqual(fromOriginal.pixels, fromView.pixels);
        Assert.AreEqual(230f, hwc.GetSingle(1, 2, 3), "input must not be modified or disposed");
    }

    [TestMethod]
    public void ArrayToImgScalesPositiveArrayByItsMax()
    {
        using var x = new NDArray(new float[] { 0f, 0.5f, 1f, 2f }, new Shape(2, 2, 1));
        KerasImage img = ImageUtils.array_to_img(x);
        Assert.AreEqual("L", img.mode);
        // 0.5 / 2 * 255 = 63.75 and 1 / 2 * 255 = 127.5 truncate.
        CollectionAssert.AreEqual(new byte[] { 0, 63, 127, 255 }, img.pixels);
    }

    [TestMethod]
    public void ArrayToImgRejectsWrongRank()
    {
        using var x = new NDArray(new float[6], new Shape(2, 3));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.array_to_img(x));
        StringAssert.Contains(e.Message, "Expected image array to have rank 3 (single image). Got array with shape: (2, 3)");
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(5)]
    public void ArrayToImgRejectsUnsupportedChannelCounts(int channels)
    {
        using var x = new NDArray(new float[2 * 2 * channels], new Shape(2, 2, channels));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.array_to_img(x));
        StringAssert.Contains(e.Message, $"Unsupported channel number: {channels}");
    }

    [TestMethod]
    public void ArrayToImgRejectsUnknownDataFormat()
    {
        using var x = new NDArray(new float[12], new Shape(2, 2, 3));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.array_to_img(x, "nhwc"));
        StringAssert.Contains(e.Message, "Invalid data_format: nhwc");
    }

    [TestMethod]
    [DataRow("not_a_dtype")]
    [DataRow("complex64")]
    public void ArrayToImgRejectsNonNumericDtype(string dtype)
    {
        using var x = new NDArray(new float[12], new Shape(2, 2, 3));
        Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.array_to_img(x, dtype: dtype));
    }

    [TestMethod]
    public void ArrayToImgRefusesToScaleAnIntegerImageAsNumpyDoes()
    {
        // Keras's in-place x /= x_max on an int8 array is numpy's UFuncTypeError (Compat/ArrayToImgDTypeTests has the rest).
        using var x = new NDArray(Enumerable.Range(0, 12).Select(v => (float)v).ToArray(), new Shape(2, 2, 3));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.array_to_img(x, dtype: "int8"));
        Assert.AreEqual("dtype", e.ParamName);
    }

    [TestMethod]
    public void ImgToArrayRejectsUnknownDataFormat()
    {
        var img = new KerasImage(new byte[3], 1, 1, "RGB");
        var e = Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.img_to_array(img, "channels_middle"));
        StringAssert.Contains(e.Message, "Unknown data_format: channels_middle");
    }

    [TestMethod]
    public void ImgToArrayRejectsUnknownDtype()
    {
        var img = new KerasImage(new byte[3], 1, 1, "RGB");
        Assert.ThrowsExactly<ArgumentException>(() => ImageUtils.img_to_array(img, dtype: "floaty"));
    }
}
