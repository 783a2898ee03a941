using Microsoft.Data.Analysis;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// flow_from_dataframe multi-label rows whose list is empty: Keras 1.1.0 keeps them as all-zero targets unless
/// <c>classes</c> is given (its dropna keeps <c>[]</c>; the class filter turns it into None), which also decides where
/// the validation split falls.
/// </summary>
[TestClass]
public sealed class DataFrameEmptyLabelsTests
{
    public static IEnumerable<object[]> Cases => CompatFixtures.Names("dataframe");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void RowsAndTargetsMatchKeras(string name)
    {
        var c = CompatFixtures.Case("dataframe", name);
        var files = c.GetProperty("files").EnumerateArray().Select(e => e.GetString()).ToArray();
        var tags = c.GetProperty("tags").EnumerateArray().Select(e => (object?)e.EnumerateArray().Select(t => t.GetString()!).ToArray()).ToArray();
        var df = new DataFrame(new StringDataFrameColumn("filename", files), new ObjectDataFrameColumn("tags", tags));
        string[]? classes = c.GetProperty("classes").ValueKind == System.Text.Json.JsonValueKind.Null
            ? null
            : c.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!).ToArray();
        double split = c.GetProperty("validation_split").ValueKind == System.Text.Json.JsonValueKind.Null ? 0 : c.GetProperty("validation_split").GetDouble();
        var g = new ImageDataGenerator(validation_split: split);

        using var it = g.flow_from_dataframe(
            df,
            directory: Path.Combine(Fixture.Root, "iterators", "images"),
            x_col: "filename",
            y_col: "tags",
            classes: classes,
            class_mode: "categorical",
            target_size: (8, 8),
            batch_size: files.Length,
            shuffle: false,
            subset: c.GetProperty("subset").GetString());

        CollectionAssert.AreEqual(c.GetProperty("filenames").EnumerateArray().Select(e => e.GetString()).ToArray(), it.filenames.ToArray());
        var indices = c.GetProperty("class_indices").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        CollectionAssert.AreEquivalent(indices, it.class_indices.ToDictionary());
        using var batch = it.next();
        var expected = c.GetProperty("y").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        CollectionAssert.AreEqual(expected, Fixture.Doubles(batch.y!));
    }
}
