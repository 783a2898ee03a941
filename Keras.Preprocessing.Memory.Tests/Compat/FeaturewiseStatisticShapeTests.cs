using System.Text.Json;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// <c>datagen.mean = ...</c> / <c>datagen.std = ...</c> assigned by a script (ImageNet means, a scalar, a whole
/// image): Keras applies them with numpy's in-place broadcasting, so every shape numpy broadcasts over one image
/// works and every other fails (Fixtures/statistics, from keras_preprocessing 1.1.0).
/// </summary>
[TestClass]
public sealed class FeaturewiseStatisticShapeTests
{
    public static IEnumerable<object[]> Cases => Fixture.Cases("statistics");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void AssignedStatisticsBroadcastAsNumpyDoes(string name)
    {
        var c = Fixture.Case("statistics", name);
        using var x = Fixture.Load(c.GetProperty("x").GetString()!);
        string? stdPath = c.GetProperty("std").GetString();
        var g = new ImageDataGenerator(
            featurewise_center: true,
            featurewise_std_normalization: stdPath is not null,
            data_format: c.GetProperty("data_format").GetString()!);
        g.mean = Fixture.Load(c.GetProperty("mean").GetString()!);
        if (stdPath is not null)
        {
            g.std = Fixture.Load(stdPath);
        }

        using var it = g.flow(x, batch_size: (int)x.shape[0], shuffle: false);
        if (c.GetProperty("error").GetString() is { } kerasError)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => it[0].Dispose(), $"Keras: {kerasError}");
            Assert.IsTrue(e.ParamName is "mean" or "std", e.ParamName);
            StringAssert.Contains(e.Message, "does not broadcast over images of shape");
            return;
        }

        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);
        using var batch = it[0];
        CollectionAssert.AreEqual(expected.shape, batch.x.shape);
        Assert.IsLessThanOrEqualTo(1e-4, Fixture.MaxAbsDiff(batch.x, expected), name);
    }

    [TestMethod]
    public void EveryFormScriptsUseIsCovered()
    {
        var manifest = Fixture.Manifest("statistics");
        var shapes = manifest.Select(c => Fixture.Load(c.GetProperty("mean").GetString()!).ndim).ToHashSet();
        CollectionAssert.IsSubsetOf(new[] { 0, 1, 3, 4 }, shapes.ToArray(), "scalar, flat, image-shaped and rank-4 means");
        Assert.IsTrue(manifest.Any(c => c.GetProperty("error").ValueKind == JsonValueKind.Null && c.GetProperty("data_format").GetString() == "channels_first"));
        Assert.IsGreaterThanOrEqualTo(4, manifest.Count(c => c.GetProperty("error").ValueKind != JsonValueKind.Null));
    }
}
