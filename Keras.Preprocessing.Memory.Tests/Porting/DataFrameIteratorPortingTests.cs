using System.Text.Json;
using Keras.Preprocessing.Memory.Tests.Files;
using Microsoft.Data.Analysis;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Porting;

/// <summary>
/// flow_from_dataframe as a porting user meets it: the multi-label pipeline through <see cref="ObjectDataFrameColumn"/>,
/// <c>raw</c> targets in the dtype of Keras's <c>df[y_col].values</c>, and what <c>class_mode=None</c> leaves empty.
/// Expected values from Fixtures/porting/generate_porting.py.
/// </summary>
[TestClass]
public sealed class DataFrameIteratorPortingTests
{
    [TestMethod]
    public void Multi_label_csv_of_python_list_literals_matches_keras()
    {
        var expected = PortingFixture.Get("multilabel_literal");

        // df = pd.read_csv('genres.csv'); df['genres'] = df['genres'].apply(ast.literal_eval)
        var df = DataFrame.LoadCsv(Path.Combine(PortingFixture.Genres, "genres.csv"), dataTypes: new[] { typeof(string), typeof(string) });
        df.Columns["genres"] = ObjectDataFrameColumn.FromLists(df["genres"]);
        using var it = new ImageDataGenerator(rescale: 1.0 / 255).flow_from_dataframe(
            df, PortingFixture.Genres, x_col: "poster", y_col: "genres", class_mode: "categorical", target_size: (8, 8), shuffle: false, batch_size: 8);
        var (x, y) = it.next();

        CollectionAssert.AreEquivalent(PortingFixture.ClassIndices(expected.GetProperty("class_indices")), it.class_indices.ToDictionary());
        AssertClassLists(expected.GetProperty("classes"), it.class_lists);
        Assert.AreEqual(typeof(float), y.dtype);
        CollectionAssert.AreEqual(new long[] { 8, 5 }, y.shape);
        CollectionAssert.AreEqual(PortingFixture.Flat(expected.GetProperty("y")), y.ToArray<float>().Select(v => (double)v).ToArray());
        CollectionAssert.AreEqual(PortingFixture.Longs(expected.GetProperty("x_shape")), x.shape);
    }

    [TestMethod]
    public void Multi_label_csv_split_on_a_bar_matches_keras()
    {
        var expected = PortingFixture.Get("multilabel_split");

        // df = pd.read_csv('labels.csv'); df['tags'] = df['tags'].str.split('|')
        var df = DataFrame.LoadCsv(IteratorFixtures.Csv,
            dataTypes: new[] { typeof(string), typeof(string), typeof(string), typeof(string), typeof(double), typeof(double), typeof(long) });
        df.Columns["tags"] = ObjectDataFrameColumn.FromLists(df["tags"], separator: "|");
        using var it = new ImageDataGenerator().flow_from_dataframe(
            df, IteratorFixtures.Images, x_col: "filename", y_col: "tags", class_mode: "categorical", target_size: (8, 8), shuffle: false, batch_size: 64);
        var (_, y) = it.next();

        CollectionAssert.AreEquivalent(PortingFixture.ClassIndices(expected.GetProperty("class_indices")), it.class_indices.ToDictionary());
        CollectionAssert.AreEqual(expected.GetProperty("filenames").EnumerateArray().Select(e => e.GetString()).ToArray(), it.filenames.ToArray());
        AssertClassLists(expected.GetProperty("classes"), it.class_lists);
        CollectionAssert.AreEqual(PortingFixture.Flat(expected.GetProperty("y")), y.ToArray<float>().Select(v => (double)v).ToArray());
    }

    [TestMethod]
    public void Raw_targets_from_several_columns_keep_the_dtype_of_df_values()
    {
        foreach (var @case in PortingFixture.Get("raw").EnumerateArray())
        {
            var columns = @case.GetProperty("y_col").EnumerateArray().Select(e => e.GetString()!).ToArray();
            string name = string.Join(", ", columns);
            using var it = new ImageDataGenerator().flow_from_dataframe(
                RawFrame(), PortingFixture.Genres, x_col: "f", y_col: columns, class_mode: "raw", target_size: (8, 8), shuffle: false, batch_size: 4);
            var (_, y) = it.next();

            Assert.AreEqual(@case.GetProperty("dtype").GetString(), DTypeName(y), name);
            CollectionAssert.AreEqual(new long[] { 4, columns.Length }, y.shape, name);
            CollectionAssert.AreEqual(PortingFixture.Flat(@case.GetProperty("y")), Fixture.Doubles(y), name);
        }
    }

    [TestMethod]
    public void Class_mode_none_leaves_class_indices_and_classes_empty()
    {
        var keras = PortingFixture.Get("class_mode_none");
        Assert.IsFalse(keras.GetProperty("class_indices").GetBoolean(), "Keras has no class_indices attribute here");

        using var it = new ImageDataGenerator().flow_from_dataframe(
            RawFrame(), PortingFixture.Genres, x_col: "f", y_col: null, class_mode: null, target_size: (8, 8));
        NDArray x = it.next();

        Assert.IsEmpty(it.class_indices);
        Assert.IsEmpty(it.classes);
        Assert.AreEqual(0, it.num_classes);
        Assert.IsNull(it.labels);
        Assert.AreEqual(4L, x.shape[0]);
    }

    [TestMethod]
    public void An_object_column_of_encoded_bytes_is_an_x_col()
    {
        var files = Enumerable.Range(0, 4).Select(k => $"p{k}.png").ToArray();
        var bytes = files.Select(f => (object?)File.ReadAllBytes(Path.Combine(PortingFixture.Genres, f)));
        var df = RawFrame();
        df.Columns.Add(new ObjectDataFrameColumn("image", bytes));

        using var fromBytes = new ImageDataGenerator().flow_from_dataframe(df, x_col: "image", y_col: "a", class_mode: "raw", target_size: (8, 8), shuffle: false, batch_size: 4);
        using var fromFiles = new ImageDataGenerator().flow_from_dataframe(df, PortingFixture.Genres, x_col: "f", y_col: "a", class_mode: "raw", target_size: (8, 8), shuffle: false, batch_size: 4);
        var (xb, yb) = fromBytes.next();
        var (xf, yf) = fromFiles.next();

        Assert.AreEqual("<row 0>", fromBytes.filenames[0]);
        Assert.IsTrue(np.array_equal(xf, xb), "the same pixels as reading the files");
        Assert.IsTrue(np.array_equal(yf, yb));
    }

    private static DataFrame RawFrame() => new(
        new StringDataFrameColumn("f", Enumerable.Range(0, 4).Select(k => $"p{k}.png")),
        new PrimitiveDataFrameColumn<long>("a", new long[] { 1, 2, 3, 4 }),
        new PrimitiveDataFrameColumn<long>("b", new long[] { 5, 6, 7, 8 }),
        new PrimitiveDataFrameColumn<double>("c", new[] { 0.5, 1.5, 2.5, 3.5 }),
        new PrimitiveDataFrameColumn<float>("g", new float[] { 1, 2, 3, 4 }),
        new PrimitiveDataFrameColumn<float>("h", new float[] { 5, 6, 7, 8 }),
        new PrimitiveDataFrameColumn<int>("i32", new[] { 1, 2, 3, 4 }));

    private static string DTypeName(NDArray a) => a.typecode switch
    {
        NPTypeCode.Int64 => "int64",
        NPTypeCode.Int32 => "int32",
        NPTypeCode.Single => "float32",
        NPTypeCode.Double => "float64",
        var other => other.ToString(),
    };

    private static void AssertClassLists(JsonElement expected, IReadOnlyList<int[]> actual)
    {
        var rows = expected.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.HasCount(rows.Length, actual);
        for (int i = 0; i < rows.Length; i++)
        {
            CollectionAssert.AreEqual(rows[i], actual[i], $"row {i}");
        }
    }
}
