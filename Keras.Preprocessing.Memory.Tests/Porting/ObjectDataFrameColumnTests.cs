using Microsoft.Data.Analysis;

namespace Keras.Preprocessing.Memory.Tests.Porting;

/// <summary>The public list/object column: parsing CSV cells into lists, and behaving as a DataFrame column.</summary>
[TestClass]
public sealed class ObjectDataFrameColumnTests
{
    [TestMethod]
    [DataRow("a|b", new[] { "a", "b" })]
    [DataRow("a", new[] { "a" })]
    [DataRow("['a', 'b']", new[] { "a", "b" })]
    [DataRow("[\"a\", 'b c']", new[] { "a", "b c" })]
    [DataRow("('a',)", new[] { "a" })]
    [DataRow("['it\\'s', 'x,y']", new[] { "it's", "x,y" })]
    [DataRow("[]", new string[0])]
    [DataRow(" ['a'] ", new[] { "a" })]
    public void ParseList_reads_split_cells_and_python_literals(string cell, string[] expected) =>
        CollectionAssert.AreEqual(expected, ObjectDataFrameColumn.ParseList(cell));

    [TestMethod]
    public void ParseList_treats_an_empty_cell_as_missing_and_honours_the_separator()
    {
        Assert.IsNull(ObjectDataFrameColumn.ParseList(null));
        Assert.IsNull(ObjectDataFrameColumn.ParseList(""));
        CollectionAssert.AreEqual(new[] { "a", "b" }, ObjectDataFrameColumn.ParseList("a;b", separator: ";"));
        CollectionAssert.AreEqual(new[] { "a|b" }, ObjectDataFrameColumn.ParseList("a|b", separator: ";"));
    }

    [TestMethod]
    [DataRow("[a, b]")]
    [DataRow("['a' 'b']")]
    [DataRow("['a', 'b]")]
    [DataRow("[1, 2]")]
    public void ParseList_refuses_a_literal_that_is_not_quoted_strings(string cell)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => ObjectDataFrameColumn.ParseList(cell));
        StringAssert.Contains(e.Message, cell);
    }

    [TestMethod]
    public void FromLists_replaces_a_csv_column_keeping_its_name()
    {
        var df = LoadCsv("poster,genres\np0.png,\"['Action', 'Drama']\"\np1.png,Comedy|Romance\np2.png,\n");

        df.Columns["genres"] = ObjectDataFrameColumn.FromLists(df["genres"]);

        var genres = (ObjectDataFrameColumn)df["genres"];
        Assert.AreEqual("genres", genres.Name);
        Assert.AreEqual(typeof(object), genres.DataType);
        CollectionAssert.AreEqual(new[] { "Action", "Drama" }, (string[])genres[0]!);
        CollectionAssert.AreEqual(new[] { "Comedy", "Romance" }, (string[])genres[1]!);
        Assert.IsNull(genres[2]);
        Assert.AreEqual(1, genres.NullCount);
    }

    [TestMethod]
    public void FromLists_writes_numbers_in_the_invariant_culture()
    {
        var column = new PrimitiveDataFrameColumn<double>("ids", new[] { 1.5, 2 });

        var lists = ObjectDataFrameColumn.FromLists(column);

        CollectionAssert.AreEqual(new[] { "1.5" }, (string[])lists[0]!);
        CollectionAssert.AreEqual(new[] { "2" }, (string[])lists[1]!);
    }

    [TestMethod]
    public void The_column_filters_clones_appends_and_fills_like_the_built_in_ones()
    {
        var df = new DataFrame(
            new StringDataFrameColumn("f", new[] { "a.png", "b.png", "c.png" }),
            ObjectDataFrameColumn.FromLists("tags", new[] { "x|y", "y", null }));

        var filtered = df.Filter(new PrimitiveDataFrameColumn<bool>("keep", new[] { true, false, true }));
        Assert.AreEqual(2, filtered.Rows.Count);
        CollectionAssert.AreEqual(new[] { "x", "y" }, (string[])filtered["tags"][0]!);
        Assert.IsNull(filtered["tags"][1]);

        var picked = df["tags"].Clone(new PrimitiveDataFrameColumn<long>("rows", new long[] { 1, 0 }));
        CollectionAssert.AreEqual(new[] { "y" }, (string[])picked[0]!);
        CollectionAssert.AreEqual(new[] { "x", "y" }, (string[])picked[1]!);

        // DataFrame.Append passes each cell through Convert.ChangeType, which only takes IConvertible values (a
        // string: one class); a list goes in afterwards.
        var appended = df.Append(new List<KeyValuePair<string, object>> { new("f", "d.png"), new("tags", "z") });
        Assert.AreEqual(4, appended.Rows.Count);
        Assert.AreEqual("z", appended["tags"][3]);
        appended["tags"][3] = new[] { "z", "x" };
        CollectionAssert.AreEqual(new[] { "z", "x" }, (string[])appended["tags"][3]!);
        Assert.AreEqual(3, df.Rows.Count, "Append returns a new DataFrame");

        var filled = df["tags"].FillNulls(Array.Empty<string>());
        Assert.AreEqual(0, filled.NullCount);
        Assert.AreEqual(1, df["tags"].NullCount, "FillNulls without inPlace leaves the original");
        Assert.AreEqual(2, df["tags"].DropNulls().Length);
    }

    [TestMethod]
    public void Sorting_and_grouping_say_why_they_are_not_supported()
    {
        var column = ObjectDataFrameColumn.FromLists("tags", new[] { "b", "a" });
        var df = new DataFrame(column);

        var sort = Assert.ThrowsExactly<NotSupportedException>(() => df.OrderBy("tags"));
        StringAssert.Contains(sort.Message, "cannot be sorted");
        var group = Assert.ThrowsExactly<NotSupportedException>(() => column.GetGroupedOccurrences(column, out _));
        StringAssert.Contains(group.Message, "cannot be joined or grouped");
    }

    private static DataFrame LoadCsv(string csv)
    {
        string path = Path.Combine(Path.GetTempPath(), $"porting-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        try
        {
            return DataFrame.LoadCsv(path, dataTypes: new[] { typeof(string), typeof(string) });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
