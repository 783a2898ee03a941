using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// docs/porting.md "Where we differ": fit's statistics are exact, while Keras accumulates 0..255 data in float32. The
/// reference's own numbers (1000 images of 32×32×3) are in the manifest, with how far its standardized pixels land
/// from exact ones.
/// </summary>
[TestClass]
public sealed class FitExactnessTests
{
    [TestMethod]
    public void FitStatisticsAreExactWhereKerasDrifts()
    {
        var c = CompatFixtures.Group("fit");
        int[] shape = c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var x = Pattern(shape);
        var g = new ImageDataGenerator(featurewise_center: true, featurewise_std_normalization: true);
        g.fit(x);

        var exactMean = c.GetProperty("exact_mean").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var exactStd = c.GetProperty("exact_std").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var kerasStd = c.GetProperty("keras_std").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var mean = Fixture.Doubles(g.mean!);
        var std = Fixture.Doubles(g.std!);
        for (int ch = 0; ch < 3; ch++)
        {
            Assert.AreEqual(exactMean[ch], mean[ch], 1e-4, "mean");
            Assert.AreEqual(exactStd[ch], std[ch], 1e-4, "std");
            Assert.IsGreaterThan(0.01, Math.Abs(kerasStd[ch] - exactStd[ch]), "Keras's float32 std is measurably off");
        }

        // What docs/porting.md states: Keras's standardized pixels are ~5e-4 from exact at this size.
        double drift = c.GetProperty("max_standardized_difference").GetDouble();
        Assert.IsTrue(drift is > 1e-4 and < 1e-3, $"recorded drift {drift}");
    }

    /// <summary>generate_compat.py's fit_pattern: value(k) = (k² · 31 + k · 7) mod 256 over the flat index k.</summary>
    private static NDArray Pattern(int[] shape)
    {
        var values = new byte[shape.Aggregate(1, (a, b) => a * b)];
        for (long k = 0; k < values.Length; k++)
        {
            values[k] = (byte)(((k * k * 31) + (k * 7)) % 256);
        }

        return new NDArray(values, new Shape(shape));
    }
}
