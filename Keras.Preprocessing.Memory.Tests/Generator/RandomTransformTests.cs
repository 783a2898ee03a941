namespace Keras.Preprocessing.Memory.Tests.Generator;

/// <summary>get_random_transform draws Keras's keys from Keras's ranges and forms.</summary>
[TestClass]
public sealed class RandomTransformTests
{
    private static readonly int[] Shape = [40, 50, 3];

    [TestMethod]
    public void ReturnsEveryKerasKey()
    {
        var t = new ImageDataGenerator().get_random_transform(Shape, seed: 1);
        CollectionAssert.AreEquivalent(new[] { "theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal", "flip_vertical", "channel_shift_intensity", "brightness" }, t.Keys.ToArray());
        Assert.AreEqual(0.0, t["theta"]);
        Assert.AreEqual(1.0, t["zx"]);
        Assert.IsNull(t["brightness"]);
        Assert.IsFalse((bool)t["flip_horizontal"]!);
    }

    [TestMethod]
    public void SeededDrawsRepeat()
    {
        var g = new ImageDataGenerator(rotation_range: 30, zoom_range: 0.3);
        CollectionAssert.AreEqual(g.get_random_transform(Shape, 5).Values.ToArray(), g.get_random_transform(Shape, 5).Values.ToArray());
        CollectionAssert.AreNotEqual(g.get_random_transform(Shape, 5).Values.ToArray(), g.get_random_transform(Shape, 6).Values.ToArray());
    }

    [TestMethod]
    public void NegativeRangesDrawTheSameDistributionAsKeras()
    {
        // Keras draws np.random.uniform(-r, r); for r < 0 that is low + (high - low)·u with low > high: the mirror
        // of the positive range's draw from the same u, so it covers the same interval.
        var positive = new ImageDataGenerator(rotation_range: 20, shear_range: 10, channel_shift_range: 30);
        var negative = new ImageDataGenerator(rotation_range: -20, shear_range: -10, channel_shift_range: -30);
        foreach (int seed in Enumerable.Range(0, 50))
        {
            var p = positive.get_random_transform(Shape, seed);
            var n = negative.get_random_transform(Shape, seed);
            foreach (var (key, range) in new[] { ("theta", 20.0), ("shear", 10.0), ("channel_shift_intensity", 30.0) })
            {
                double pv = (double)p[key]!, nv = (double)n[key]!;
                Assert.AreEqual(-pv, nv, 1e-9 * range, $"{key}, seed {seed}");
                Assert.IsLessThanOrEqualTo(range, Math.Abs(nv), $"{key} within [-{range}, {range}]");
            }
        }
    }

    [TestMethod]
    public void FloatShiftsAreFractionsOfTheAxisTheyMove()
    {
        // tx (from height_shift_range) moves rows, scaled by the height; ty by the width.
        var g = new ImageDataGenerator(width_shift_range: 0.1, height_shift_range: 0.2);
        var tx = Draws(g, "tx");
        var ty = Draws(g, "ty");
        Assert.IsTrue(tx.All(v => Math.Abs(v) <= 0.2 * 40) && tx.Max() > 6 && tx.Min() < -6);
        Assert.IsTrue(ty.All(v => Math.Abs(v) <= 0.1 * 50) && ty.Max() > 4 && ty.Min() < -4);
    }

    [TestMethod]
    public void IntegerShiftsArePixelChoicesFromZeroToNMinusOneWithASign()
    {
        var values = Draws(new ImageDataGenerator(width_shift_range: 3), "ty").Distinct().Order().ToArray();
        CollectionAssert.AreEqual(new[] { -2.0, -1.0, 0.0, 1.0, 2.0 }, values); // numpy's choice(3) is 0..2
    }

    [TestMethod]
    public void ArrayShiftsPickAnElementWithASign()
    {
        var values = Draws(new ImageDataGenerator(height_shift_range: new[] { 4, 7 }), "tx").Distinct().Order().ToArray();
        CollectionAssert.AreEqual(new[] { -7.0, -4.0, 4.0, 7.0 }, values);
        var fractions = Draws(new ImageDataGenerator(height_shift_range: new[] { 0.25 }), "tx").Distinct().Order().ToArray();
        CollectionAssert.AreEqual(new[] { -10.0, 10.0 }, fractions); // largest < 1: a fraction of 40 rows
    }

    [TestMethod]
    public void RangesAreRespected()
    {
        var g = new ImageDataGenerator(rotation_range: 15, shear_range: 5, zoom_range: new[] { 0.7, 0.9 }, channel_shift_range: 0.3, brightness_range: new[] { 0.4, 0.6 }, horizontal_flip: true);
        Assert.IsTrue(Draws(g, "theta").All(v => v is >= -15 and <= 15));
        Assert.IsTrue(Draws(g, "shear").All(v => v is >= -5 and <= 5));
        Assert.IsTrue(Draws(g, "zx").Concat(Draws(g, "zy")).All(v => v is >= 0.7 and <= 0.9));
        Assert.IsTrue(Draws(g, "channel_shift_intensity").All(v => v is >= -0.3 and <= 0.3));
        Assert.IsTrue(Draws(g, "brightness").All(v => v is >= 0.4 and <= 0.6));
        var flips = Enumerable.Range(0, 400).Count(s => (bool)g.get_random_transform(Shape, s)["flip_horizontal"]!);
        Assert.IsTrue(flips is > 150 and < 250, $"{flips} flips in 400");
    }

    [TestMethod]
    public void RandomTransformAppliesADraw()
    {
        using var x = NumSharp.np.random.rand(12, 10, 3).astype(NumSharp.NPTypeCode.Single);
        var g = new ImageDataGenerator(horizontal_flip: true, vertical_flip: true);
        var seedWithBothFlips = Enumerable.Range(0, 100).First(s => g.get_random_transform([12, 10, 3], s) is var t && (bool)t["flip_horizontal"]! && (bool)t["flip_vertical"]!);
        using var flipped = g.random_transform(x, seedWithBothFlips);
        var a = TestData.Floats(x);
        var b = TestData.Floats(flipped);
        Assert.AreEqual(a[0], b[(11 * 10 * 3) + (9 * 3)], "pixel (0, 0) lands at (11, 9)");
    }

    private static double[] Draws(ImageDataGenerator g, string key) =>
        Enumerable.Range(0, 300).Select(s => Convert.ToDouble(g.get_random_transform(Shape, s)[key])).ToArray();
}
