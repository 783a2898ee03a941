using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// Images of the dtypes Keras takes through <c>np.asarray(x, "float32")</c> without a kernel reader of their own
/// (int64 — np.arange's default —, int8, uint32, uint64, bool, float16): every entry point reads them as that float32.
/// </summary>
[TestClass]
public sealed class InputDTypeTests
{
    public static IEnumerable<object[]> DTypes =>
        new[] { NPTypeCode.Int64, NPTypeCode.SByte, NPTypeCode.UInt32, NPTypeCode.UInt64, NPTypeCode.Boolean, NPTypeCode.Half }
            .Select(t => new object[] { t });

    [TestMethod]
    [DynamicData(nameof(DTypes))]
    public void EveryEntryPointReadsTheValuesAsFloat32(NPTypeCode dtype)
    {
        using var raw = TestData.IndexedImages(4, rows: 6, cols: 5, channels: 3);
        using var scaled = raw * 9;
        using var x = scaled.astype(dtype);
        using var asFloat = x.astype(NPTypeCode.Single);
        var g = new ImageDataGenerator(rotation_range: 25, zoom_range: 0.2, featurewise_center: true, samplewise_std_normalization: true);

        g.fit(x);
        var fitted = Fixture.Doubles(g.mean!);
        g.fit(asFloat);
        CollectionAssert.AreEqual(Fixture.Doubles(g.mean!), fitted, "fit");

        AssertSame(g.standardize(asFloat), g.standardize(x), "standardize");
        using var one = x[1].copy();
        using var oneFloat = asFloat[1].copy();
        var parameters = new Dictionary<string, object?> { ["theta"] = 20.0, ["zx"] = 0.9, ["flip_horizontal"] = true };
        AssertSame(g.apply_transform(oneFloat, parameters), g.apply_transform(one, parameters), "apply_transform");
        AssertSame(g.random_transform(oneFloat, seed: 4), g.random_transform(one, seed: 4), "random_transform");

        using var fromFloat = g.flow(asFloat, batch_size: 4, shuffle: false, seed: 2).next();
        using var fromList = g.flow(new[] { x, TestData.Labels(4) }, batch_size: 4, shuffle: false, seed: 2).next();
        AssertSame(fromFloat.x, fromList.x, "flow(NDArray[])");
    }

    private static void AssertSame(NDArray expected, NDArray actual, string what)
    {
        using (expected)
        using (actual)
        {
            Assert.AreEqual(NPTypeCode.Single, actual.typecode, what);
            CollectionAssert.AreEqual(TestData.Floats(expected), TestData.Floats(actual), what);
        }
    }
}
