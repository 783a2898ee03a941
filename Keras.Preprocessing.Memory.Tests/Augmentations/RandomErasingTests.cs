using Keras.Preprocessing.Memory.Augmentations;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Tests.Gpu;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Augmentations;

/// <summary>
/// Random erasing, the augmentation added through the augmentation hooks: fixed rectangles against torchvision
/// 0.14's <c>F.erase</c> (fixtures in Fixtures/random_erasing), the draws against torchvision's
/// <c>RandomErasing</c> distributions, and the GPU kernels against the CPU engine at every hook point.
/// </summary>
[TestClass]
public sealed class RandomErasingTests
{
    public static IEnumerable<object[]> TorchvisionCases => Fixture.Cases("random_erasing");

    [TestMethod]
    [DynamicData(nameof(TorchvisionCases))]
    public void FixedRectangleMatchesTorchvisionErase(string name)
    {
        var c = Fixture.Case("random_erasing", name);
        using var image = Fixture.Load(c.GetProperty("image").GetString()!);
        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);
        var generator = new ImageDataGenerator(data_format: c.GetProperty("data_format").GetString()!);

        using var actual = generator.apply_transform(image, new Dictionary<string, object?>
        {
            ["random_erasing"] = true,
            ["erase_top"] = c.GetProperty("i").GetInt32(),
            ["erase_left"] = c.GetProperty("j").GetInt32(),
            ["erase_height"] = c.GetProperty("h").GetInt32(),
            ["erase_width"] = c.GetProperty("w").GetInt32(),
            ["erase_value"] = c.GetProperty("value").GetDouble(),
        });

        CollectionAssert.AreEqual(expected.shape, actual.shape);
        CollectionAssert.AreEqual(Fixture.Floats(expected), Fixture.Floats(actual), $"{name}: not torchvision's F.erase, bit for bit");
    }

    [TestMethod]
    public void ProbabilityIsP()
    {
        var s = Settings(p: 0.3);
        int applied = 0;
        const int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            var rng = SampleRandom.For(7, RandomStream.Transform, 0, i);
            applied += RandomErasing.Draw(s, 64, 64, ref rng).Applied;
        }

        // Binomial(20000, 0.3): sd = 65 draws; 5 sd either side.
        Assert.IsLessThan(5 * Math.Sqrt(n * 0.3 * 0.7), Math.Abs(applied - (n * 0.3)), $"{applied} of {n} erased");
    }

    [TestMethod]
    public void AreaFractionIsUniformWithinScale()
    {
        // A large image, so rounding h and w moves the area by well under a percent and no draw is rejected.
        const int rows = 1000, cols = 1000;
        var s = Settings(p: 1, scale: (0.02, 0.1));
        var fractions = Draws(s, rows, cols, 20_000).Select(p => (double)p.Height * p.Width / (rows * cols)).ToArray();

        Assert.IsTrue(fractions.All(f => f >= 0.02 * 0.98 && f <= 0.1 * 1.02), $"area fraction outside scale: {fractions.Min()}..{fractions.Max()}");
        Assert.IsLessThan(0.02, KolmogorovDistanceFromUniform(fractions, 0.02, 0.1), "area fraction is not uniform on scale");
    }

    [TestMethod]
    public void AspectRatioIsLogUniformWithinRatio()
    {
        const int rows = 1000, cols = 1000;
        var s = Settings(p: 1, scale: (0.02, 0.1), ratio: (0.3, 3.3));
        var logRatios = Draws(s, rows, cols, 20_000).Select(p => Math.Log((double)p.Height / p.Width)).ToArray();

        double low = Math.Log(0.3), high = Math.Log(3.3);
        Assert.IsTrue(logRatios.All(r => r >= low - 0.03 && r <= high + 0.03), $"aspect ratio outside ratio: {Math.Exp(logRatios.Min())}..{Math.Exp(logRatios.Max())}");
        Assert.IsLessThan(0.02, KolmogorovDistanceFromUniform(logRatios, low, high), "log(h / w) is not uniform: torchvision draws the ratio log-uniformly");

        // A plain uniform ratio would put the median at (0.3 + 3.3) / 2 = 1.8; log-uniform puts it at sqrt(0.3 * 3.3) = 0.99.
        double median = Math.Exp(logRatios.Order().ElementAt(logRatios.Length / 2));
        Assert.AreEqual(Math.Sqrt(0.3 * 3.3), median, 0.05);
    }

    [TestMethod]
    public void RectangleFitsStrictlyInsideAndStartsAnywhere()
    {
        const int rows = 12, cols = 9;
        var s = Settings(p: 1, scale: (0.1, 0.5), ratio: (0.5, 2));
        var draws = Draws(s, rows, cols, 5000).ToArray();

        Assert.IsTrue(draws.All(p => p.Height < rows && p.Width < cols && p.Top + p.Height <= rows && p.Left + p.Width <= cols));
        Assert.AreEqual(0, draws.Min(p => p.Top));
        Assert.AreEqual(0, draws.Min(p => p.Left));
        Assert.IsTrue(draws.Any(p => p.Top == rows - p.Height) && draws.Any(p => p.Left == cols - p.Width), "the last positions are never drawn");
    }

    [TestMethod]
    public void NoFitAfterTenAttemptsLeavesTheImage()
    {
        // An erased area of at least the whole image can never satisfy h < rows and w < cols.
        var s = Settings(p: 1, scale: (1, 1), ratio: (1, 1));
        var rng = SampleRandom.For(1, RandomStream.Transform, 0, 0);

        var p = RandomErasing.Draw(s, 8, 8, ref rng);

        Assert.AreEqual(1, p.Drawn);
        Assert.AreEqual(0, p.Applied);
    }

    [TestMethod]
    public void KerasDrawsAreUnchangedByRandomErasing()
    {
        var plain = new ImageDataGenerator(rotation_range: 30, width_shift_range: 0.2, zoom_range: 0.3, horizontal_flip: true, channel_shift_range: 5);
        var erasing = new ImageDataGenerator(rotation_range: 30, width_shift_range: 0.2, zoom_range: 0.3, horizontal_flip: true, channel_shift_range: 5, random_erasing: 0.5);
        int erased = 0;
        for (int seed = 0; seed < 50; seed++)
        {
            var a = plain.get_random_transform([16, 16, 3], seed);
            var b = erasing.get_random_transform([16, 16, 3], seed);
            foreach (var (key, value) in a)
            {
                Assert.AreEqual(value, b[key], $"seed {seed}: `{key}` changed");
            }

            Assert.IsFalse(a.ContainsKey("random_erasing"), "no random-erasing keys when it is off");
            erased += (bool)b["random_erasing"]! ? 1 : 0;
        }

        Assert.IsTrue(erased is > 10 and < 40, $"{erased} of 50 erased with p = 0.5");
    }

    [TestMethod]
    public void TransformDictionaryRoundTrips()
    {
        var generator = new ImageDataGenerator(random_erasing: 1, random_erasing_value: "random");
        using var x = np.ones(new Shape(10, 10, 3), NPTypeCode.Single);
        var parameters = generator.get_random_transform([10, 10, 3], seed: 3);

        using var once = generator.apply_transform(x, parameters);
        using var twice = generator.apply_transform(x, parameters);

        Assert.IsTrue((bool)parameters["random_erasing"]!);
        Assert.AreEqual("random", parameters["erase_value"]);
        CollectionAssert.AreEqual(Fixture.Floats(once), Fixture.Floats(twice));
        int changed = Fixture.Floats(once).Count(v => v != 1f);
        int area = 3 * Convert.ToInt32(parameters["erase_height"]) * Convert.ToInt32(parameters["erase_width"]);
        Assert.AreEqual(area, changed, "exactly the rectangle is filled with noise");
    }

    [TestMethod]
    public void RandomFillHasMeanZeroAndUnitVariance()
    {
        var values = Enumerable.Range(0, 50_000).Select(i => (double)RandomErasing.Noise(12345, i)).ToArray();
        double mean = values.Average();
        double variance = values.Select(v => (v - mean) * (v - mean)).Average();

        Assert.AreEqual(0, mean, 0.02);
        Assert.AreEqual(1, variance, 0.03);
        Assert.IsTrue(values.All(v => Math.Abs(v) <= 6));
    }

    [TestMethod]
    public void BatchesErasedInsideTheFlowAreDeterministicAndEraseLast()
    {
        using var x = GpuTestData.Images("uint8", 6, 3);
        var generator = new ImageDataGenerator(rescale: 1.0 / 255, random_erasing: 1, random_erasing_value: -3);
        using var it = generator.flow(x, batch_size: 6, shuffle: false, seed: 5);
        using var again = generator.flow(x, batch_size: 6, shuffle: false, seed: 5, workers: 1);

        using var batch = it.next();
        using var same = again.next();

        CollectionAssert.AreEqual(Fixture.Floats(same.x), Fixture.Floats(batch.x));
        Assert.IsTrue(Fixture.Floats(batch.x).Contains(-3f), "the fill comes after rescale, so -3 survives as -3");
    }

    [TestMethod]
    [DataRow("value", false, false, false, false)]
    [DataRow("random", false, false, false, false)]
    [DataRow("value", true, false, false, false)]   // channel shift: the finishing kernel
    [DataRow("random", false, true, false, false)]  // samplewise: the finishing kernel for every sample
    [DataRow("value", false, false, true, false)]   // ZCA on the device: the ZCA kernel
    [DataRow("random", false, false, false, true)]  // a preprocessing_function: the host, after download
    public void GpuKernelsEraseAsTheCpuEngine(string fill, bool channelShift, bool samplewise, bool zca, bool callback)
    {
        using var x = GpuTestData.Images("float32", 6, 3, top: 1);
        var generator = new ImageDataGenerator(
            rotation_range: 20,
            channel_shift_range: channelShift ? 0.1 : 0,
            samplewise_center: samplewise,
            samplewise_std_normalization: samplewise,
            zca_whitening: zca,
            preprocessing_function: callback ? image => image * 2 : null,
            random_erasing: 0.8,
            random_erasing_value: fill == "random" ? "random" : 0.25);
        if (zca)
        {
            generator.fit(x);
        }

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 3, batches: 4);

        // ZCA: a sum of D products, so more float steps apart than one blend (docs/gpu.md).
        GpuTestData.AssertAgrees(agreement, $"erasing {fill}", steps: zca ? 64 : Keras.Preprocessing.Memory.Gpu.FloatSteps.Expected);
        if (fill == "value")
        {
            // Not two engines that both forgot to erase: the fill is there, exactly, after every other step.
            using var gpu = generator.flow(x, batch_size: 6, shuffle: false, seed: 11, device: GpuTestData.KernelDevice);
            using var batch = gpu.next();
            Assert.IsTrue(Fixture.Floats(batch.x).Contains(0.25f), "the GPU kernels did not erase");
        }
    }

    [TestMethod]
    public void ArgumentsAreValidatedAndReadBack()
    {
        var generator = new ImageDataGenerator(random_erasing: 0.5, random_erasing_scale: (0.1, 0.2), random_erasing_ratio: (0.5, 2), random_erasing_value: "random");

        Assert.AreEqual(0.5, generator.random_erasing);
        Assert.AreEqual((0.1, 0.2), generator.random_erasing_scale);
        Assert.AreEqual((0.5, 2.0), generator.random_erasing_ratio);
        Assert.AreEqual("random", generator.random_erasing_value.ToString());
        Assert.AreEqual("random_erasing", Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator(random_erasing: 1.5)).ParamName);
        Assert.AreEqual("random_erasing_scale", Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator(random_erasing: 0.5, random_erasing_scale: (0.5, 0.1))).ParamName);
        Assert.AreEqual("random_erasing_ratio", Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator(random_erasing: 0.5, random_erasing_ratio: (0, 1))).ParamName);
        Assert.AreEqual("random_erasing_value", Assert.ThrowsExactly<ArgumentException>(() => new ImageDataGenerator(random_erasing_value: "noise")).ParamName);
    }

    private static RandomErasing.Settings Settings(double p, (double Low, double High)? scale = null, (double Low, double High)? ratio = null)
    {
        var (scaleLow, scaleHigh) = scale ?? (0.02, 0.33);
        var (ratioLow, ratioHigh) = ratio ?? (0.3, 3.3);
        return new RandomErasing.Settings(p, scaleLow, scaleHigh, ratioLow, ratioHigh, 0, false);
    }

    private static IEnumerable<RandomErasing.Parameters> Draws(RandomErasing.Settings s, int rows, int cols, int n)
    {
        for (int i = 0; i < n; i++)
        {
            var rng = SampleRandom.For(99, RandomStream.Transform, 0, i);
            var p = RandomErasing.Draw(s, rows, cols, ref rng);
            Assert.AreEqual(1, p.Applied, "with p = 1 and a rectangle that fits, every draw erases");
            yield return p;
        }
    }

    /// <summary>The largest gap between the empirical CDF of <paramref name="values"/> and the uniform CDF on [low, high].</summary>
    private static double KolmogorovDistanceFromUniform(double[] values, double low, double high)
    {
        var sorted = values.Order().ToArray();
        double worst = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double cdf = Math.Clamp((sorted[i] - low) / (high - low), 0, 1);
            worst = Math.Max(worst, Math.Max(Math.Abs(cdf - ((double)i / sorted.Length)), Math.Abs(cdf - ((double)(i + 1) / sorted.Length))));
        }

        return worst;
    }
}
