using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Generator;

/// <summary>Bad arguments fail early with Keras's messages, naming the parameter.</summary>
[TestClass]
public sealed class ParameterValidationTests
{
    [TestMethod]
    public void DefaultsAreKeras()
    {
        var g = new ImageDataGenerator();
        Assert.AreEqual("nearest", g.fill_mode);
        Assert.AreEqual("channels_last", g.data_format);
        Assert.AreEqual("float32", g.dtype);
        Assert.AreEqual(1, g.interpolation_order);
        Assert.AreEqual(1e-6, g.zca_epsilon);
        CollectionAssert.AreEqual(new[] { 1.0, 1.0 }, g.zoom_range);
        Assert.IsNull(g.brightness_range);
        Assert.IsNull(g.rescale);
        Assert.AreEqual(3, g.channel_axis);
        Assert.AreEqual(1, g.row_axis);
        Assert.AreEqual(2, g.col_axis);
        Assert.AreEqual(1, new ImageDataGenerator(data_format: "channels_first").channel_axis);
    }

    [TestMethod]
    public void ZoomRangeFormsFollowKeras()
    {
        CollectionAssert.AreEqual(new[] { 0.8, 1.2 }, new ImageDataGenerator(zoom_range: 0.2).zoom_range);
        CollectionAssert.AreEqual(new[] { 0.5, 1.5 }, new ImageDataGenerator(zoom_range: new[] { 0.5, 1.5 }).zoom_range);
        CollectionAssert.AreEqual(new[] { 0.9, 1.3 }, new ImageDataGenerator(zoom_range: (0.9, 1.3)).zoom_range);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator(zoom_range: new[] { 0.5, 1.0, 1.5 }));
        Assert.AreEqual("zoom_range", e.ParamName);
        StringAssert.Contains(e.Message, "`zoom_range` should be a float or a tuple or list of two floats");
    }

    [TestMethod]
    public void InvalidArgumentsNameTheParameter()
    {
        AssertParam("validation_split", () => new ImageDataGenerator(validation_split: 1.0), "strictly between 0 and 1");
        AssertParam("validation_split", () => new ImageDataGenerator(validation_split: -0.1), "strictly between 0 and 1");
        AssertParam("fill_mode", () => new ImageDataGenerator(fill_mode: "mirrored"), "\"constant\", \"nearest\", \"reflect\", \"wrap\", \"mirror\", \"grid-wrap\", \"grid-constant\", \"grid-mirror\"");
        AssertParam("data_format", () => new ImageDataGenerator(data_format: "NHWC"), "channels_last");
        AssertParam("brightness_range", () => new ImageDataGenerator(brightness_range: new[] { 0.5 }), "tuple or list of two floats");
        AssertParam("interpolation_order", () => new ImageDataGenerator(interpolation_order: 6), "range 0-5");
        AssertParam("dtype", () => new ImageDataGenerator(dtype: "complex64"), "numeric numpy dtype");
        AssertParam("rotation_range", () => new ImageDataGenerator(rotation_range: double.NaN), "finite");
        AssertParam("width_shift_range", () => new ImageDataGenerator(width_shift_range: double.PositiveInfinity), "finite");
        AssertParam("cval", () => new ImageDataGenerator(cval: double.NaN), "finite");
    }

    [TestMethod]
    [DoNotParallelize] // listens to KerasWarnings, a process-wide event
    public void ImpliedFlagsWarnLikeKeras()
    {
        var warnings = new List<string>();
        void Capture(string m) => warnings.Add(m);
        KerasWarnings.Warned += Capture;
        try
        {
            var g = new ImageDataGenerator(zca_whitening: true, featurewise_std_normalization: true, samplewise_std_normalization: true);
            Assert.IsTrue(g.featurewise_center);
            Assert.IsFalse(g.featurewise_std_normalization);
            Assert.IsTrue(g.samplewise_center);
        }
        finally
        {
            KerasWarnings.Warned -= Capture;
        }

        Assert.IsTrue(warnings.Any(w => w.Contains("overrides setting of `featurewise_center`")));
        Assert.IsTrue(warnings.Any(w => w.Contains("overrides setting of`featurewise_std_normalization`")));
        Assert.IsTrue(warnings.Any(w => w.Contains("overrides setting of `samplewise_center`")));
    }

    [TestMethod]
    public void FlowRejectsMalformedInputs()
    {
        var g = new ImageDataGenerator();
        using var x = TestData.IndexedImages(10);
        AssertParam("x", () => g.flow(np.zeros(new Shape(10, 8, 6), NPTypeCode.Single)), "rank 4");
        AssertParam("y", () => g.flow(x, TestData.Labels(9)), "should have the same length");
        AssertParam("sample_weight", () => g.flow(x, TestData.Labels(10), sample_weight: np.ones(new Shape(3))), "should have the same length");
        AssertParam("batch_size", () => g.flow(x, batch_size: 0), "positive");
        AssertParam("subset", () => g.flow(x, subset: "training"), "validation_split");
        AssertParam("subset", () => new ImageDataGenerator(validation_split: 0.2).flow(x, subset: "test"), "Invalid subset name");
        AssertParam("x", () => g.flow([x, np.zeros(new Shape(4, 2))]), "same length");
        AssertParam("x", () => g.flow(np.zeros(new Shape(4, 8, 8, 3), NPTypeCode.Decimal)), "should hold numbers");
        AssertParam("prefetch", () => g.flow(x, prefetch: -1), "prefetch");
    }

    [TestMethod]
    [DoNotParallelize] // listens to KerasWarnings, a process-wide event
    public void UnusualChannelCountsWarnAsKerasDoes()
    {
        var warnings = new List<string>();
        void Capture(string m) => warnings.Add(m);
        KerasWarnings.Warned += Capture;
        try
        {
            using var x = np.zeros(new Shape(4, 8, 8, 5), NPTypeCode.Single);
            using var it = new ImageDataGenerator(rotation_range: 10).flow(x, batch_size: 2);
            CollectionAssert.AreEqual(new long[] { 2, 8, 8, 5 }, it.next().x.shape);
        }
        finally
        {
            KerasWarnings.Warned -= Capture;
        }

        Assert.IsTrue(warnings.Any(w => w.Contains("expected either 1, 3, or 4 channels on axis 3")));
    }

    [TestMethod]
    public void FitRequiresRankFour()
    {
        AssertParam("x", () => new ImageDataGenerator(featurewise_center: true).fit(np.zeros(new Shape(8, 8, 3), NPTypeCode.Single)), "Input to `.fit()` should have rank 4");
    }

    private static void AssertParam(string parameter, Action action, string messagePart)
    {
        var e = Assert.Throws<ArgumentException>(action);
        Assert.AreEqual(parameter, e.ParamName, e.Message);
        StringAssert.Contains(e.Message, messagePart);
    }
}
