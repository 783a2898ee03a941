namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// Keras's <c>standardize</c> on a rank-4 batch: <c>np.mean(x, keepdims=True)</c> and <c>np.std</c> over the whole
/// batch, while one image at a time (as flow calls it) keeps per-image statistics.
/// </summary>
[TestClass]
public sealed class StandardizeBatchTests
{
    public static IEnumerable<object[]> Cases => CompatFixtures.Names("standardize");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void BatchStatisticsMatchKeras(string name)
    {
        var (g, x) = Prepare(name);
        using var expected = Fixture.Load(CompatFixtures.Case("standardize", name).GetProperty("expected").GetString()!);
        using var actual = g.standardize(x);
        Assert.IsLessThanOrEqualTo(1e-4, Fixture.MaxAbsDiff(actual, expected), name);
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void OneImageAtATimeKeepsPerImageStatistics(string name)
    {
        var (g, x) = Prepare(name);
        using var expected = Fixture.Load(CompatFixtures.Case("standardize", name).GetProperty("per_image").GetString()!);
        using var batch = Fixture.Load(CompatFixtures.Case("standardize", name).GetProperty("expected").GetString()!);
        for (int i = 0; i < (int)x.shape[0]; i++)
        {
            using var one = g.standardize(x[i].copy());
            using var want = expected[i].copy();
            Assert.IsLessThanOrEqualTo(1e-4, Fixture.MaxAbsDiff(one, want), $"{name}, image {i}");
        }

        // The two differ, so the batch test above cannot pass by taking statistics per image.
        using var perImage = expected.copy();
        Assert.IsGreaterThan(1e-3, Fixture.MaxAbsDiff(perImage, batch));
    }

    private static (ImageDataGenerator Generator, NumSharp.NDArray X) Prepare(string name)
    {
        var c = CompatFixtures.Case("standardize", name);
        var g = CompatFixtures.Generator(c.GetProperty("generator"));
        if (c.GetProperty("fit_x").GetString() is { } fitX)
        {
            using var fit = Fixture.Load(fitX);
            g.fit(fit);
        }

        return (g, Fixture.Load(c.GetProperty("x").GetString()!));
    }
}
