using static Keras.Preprocessing.Memory.KerasUtils;

namespace Keras.Preprocessing.Memory.Tests.Conformance;

/// <summary>to_categorical against Keras 2.x's definition.</summary>
[TestClass]
public sealed class ToCategoricalConformanceTests
{
    public static IEnumerable<object[]> Cases => Fixture.Cases("to_categorical");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void MatchesKeras(string name)
    {
        var c = Fixture.Case("to_categorical", name);
        int? numClasses = c.GetProperty("num_classes").ValueKind == System.Text.Json.JsonValueKind.Null ? null : c.GetProperty("num_classes").GetInt32();
        using var y = Fixture.Load(c.GetProperty("input").GetString()!);
        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);

        using var actual = to_categorical(y, numClasses);

        Assert.AreEqual(0.0, Fixture.MaxAbsDiff(actual, expected), name);
        Assert.AreEqual(NumSharp.NPTypeCode.Single, actual.typecode);
    }
}
