namespace Keras.Preprocessing.Memory.Tests.Conformance;

/// <summary>apply_transform against keras_preprocessing 1.1.0 (scipy order-0/1 splines) for fixed parameters.</summary>
[TestClass]
public sealed class AffineConformanceTests
{
    public static IEnumerable<object[]> Cases => Fixture.Cases("affine");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ApplyTransformMatchesKeras(string name)
    {
        var c = Fixture.Case("affine", name);
        var g = c.GetProperty("generator");
        var generator = new ImageDataGenerator(
            fill_mode: g.GetProperty("fill_mode").GetString()!,
            cval: g.GetProperty("cval").GetDouble(),
            data_format: g.GetProperty("data_format").GetString()!,
            interpolation_order: g.GetProperty("interpolation_order").GetInt32());
        var parameters = c.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => Fixture.JsonValue(p.Value));
        using var image = Fixture.Load(c.GetProperty("image").GetString()!);
        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);

        using var actual = generator.apply_transform(image, parameters);

        double error = Fixture.MaxAbsDiff(actual, expected);
        Assert.IsLessThanOrEqualTo(1e-4, error, $"{name}: max abs error {error}");
    }

    [TestMethod]
    public void EveryFillModeAndTransformIsCovered()
    {
        var manifest = Fixture.Manifest("affine");
        foreach (var mode in new[] { "constant", "nearest", "reflect", "wrap", "mirror", "grid-wrap", "grid-constant", "grid-mirror" })
        {
            var ofMode = manifest.Where(c => c.GetProperty("generator").GetProperty("fill_mode").GetString() == mode).ToArray();
            foreach (var key in new[] { "theta", "tx", "ty", "shear" })
            {
                Assert.IsTrue(ofMode.Any(c => c.GetProperty("params").GetProperty(key).GetDouble() != 0), $"{mode} lacks {key}");
            }

            Assert.IsTrue(ofMode.Any(c => c.GetProperty("params").GetProperty("zx").GetDouble() != c.GetProperty("params").GetProperty("zy").GetDouble()), $"{mode} lacks zx != zy");
            Assert.IsTrue(ofMode.Any(c => c.GetProperty("generator").GetProperty("data_format").GetString() == "channels_first"), $"{mode} lacks channels_first");
            Assert.IsTrue(ofMode.Any(c => c.GetProperty("generator").GetProperty("interpolation_order").GetInt32() == 0), $"{mode} lacks order 0");
        }

        Assert.IsTrue(manifest.Any(c => c.GetProperty("generator").GetProperty("fill_mode").GetString() == "constant" && c.GetProperty("generator").GetProperty("cval").GetDouble() != 0));
        Assert.IsTrue(manifest.Any(c => c.GetProperty("params").GetProperty("brightness").ValueKind != System.Text.Json.JsonValueKind.Null));
        Assert.IsTrue(manifest.Any(c => c.GetProperty("params").GetProperty("channel_shift_intensity").ValueKind != System.Text.Json.JsonValueKind.Null));
        Assert.IsTrue(manifest.Any(c => c.GetProperty("params").GetProperty("flip_horizontal").GetBoolean()));
        Assert.IsTrue(manifest.Any(c => c.GetProperty("params").GetProperty("flip_vertical").GetBoolean()));
    }
}
