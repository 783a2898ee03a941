using System.Text.Json;
using Keras.Preprocessing.Memory.Iterators;
using Keras.Preprocessing.Memory.Tests.Image;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Files;

/// <summary>
/// flow_from_dataframe and flow_from_directory against what keras_preprocessing 1.1.0 (Pillow 9.4) did with the
/// same files and arguments (Fixtures/iterators, regenerate with generate_iterators.py): listing, filtering,
/// classes, splits, the printed line, warnings, and the first batches pixel for pixel — decoded on demand and
/// from the cache, in the recorded data format and in the other one.
/// </summary>
[TestClass]
[DoNotParallelize] // captures Console and KerasWarnings, both process-wide
public sealed class FileIteratorFixtureTests
{
    public static IEnumerable<object[]> Runs() =>
        from c in IteratorFixtures.Cases
        from cache in new[] { false, true }
        from swap in new[] { false, true }
        select new object[] { c.Name, cache, swap };

    [TestMethod]
    [DynamicData(nameof(Runs))]
    public void MatchesKeras(string name, bool cache, bool otherLayout)
    {
        var c = IteratorFixtures.Case(name);
        string layout = otherLayout ? (c.RecordedFormat == "channels_last" ? "channels_first" : "channels_last") : c.RecordedFormat;
        using var scratch = new TempDirectory();
        using var built = IteratorFixtures.Build(c, cache, layout, scratch);
        var it = built.Iterator;

        Assert.AreEqual(c.Found, built.Found, "printed line");
        Assert.HasCount(c.Warnings.Length, built.Warnings, string.Join(" | ", built.Warnings));
        foreach (var expected in c.Warnings)
        {
            // Ours adds which rows and why after Keras's sentence.
            Assert.IsTrue(built.Warnings.Any(w => w.StartsWith(expected, StringComparison.Ordinal)), $"missing warning: {expected}");
        }

        Assert.AreEqual(c.Samples, it.n, "n");
        Assert.AreEqual(c.Samples, it.samples, "samples");
        Assert.AreEqual(c.Len, it.len, "len");
        Assert.AreEqual(cache, it.cached);
        CollectionAssert.AreEqual(c.Filenames, it.filenames.ToArray(), "filenames");
        CollectionAssert.AreEqual(Transposed(c.ImageShape, c.RecordedFormat, layout), it.image_shape, "image_shape");
        AssertClasses(c, it);

        foreach (var recorded in c.Batches)
        {
            using var batch = it[recorded.Index];
            AssertBatch(c, recorded, batch, layout);
        }
    }

    [TestMethod]
    public void EveryClassModeAndFilterIsCovered()
    {
        var modes = IteratorFixtures.Cases.Select(c => c.ClassMode ?? "None").ToHashSet();
        CollectionAssert.IsSubsetOf(new[] { "categorical", "binary", "sparse", "input", "multi_output", "raw", "None" }, modes.ToArray());
        var filters = IteratorFixtures.Cases.Select(c => c.Args.GetProperty("interpolation").GetString()).ToHashSet();
        CollectionAssert.IsSubsetOf(new[] { "nearest", "bilinear", "bicubic", "lanczos" }, filters.ToArray());
        var colors = IteratorFixtures.Cases.Select(c => c.Args.GetProperty("color_mode").GetString()).ToHashSet();
        CollectionAssert.IsSubsetOf(new[] { "grayscale", "rgb", "rgba" }, colors.ToArray());
        Assert.IsTrue(IteratorFixtures.Cases.Any(c => c.Classes.ValueKind == JsonValueKind.Array && c.Classes.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Array)), "a multi-label case");
    }

    [TestMethod]
    public void LabelsAreKerasLabels()
    {
        // Keras's `labels`: the classes for class modes, the target array for raw.
        using (var built = IteratorFixtures.Build(IteratorFixtures.Case("df_sparse_weights"), cache: false))
        {
            var it = built.Iterator;
            var expected = IteratorFixtures.Case("df_sparse_weights").Classes.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            CollectionAssert.AreEqual(expected, it.labels!.ToArray<int>());
            Assert.IsNotNull(it.sample_weight);
            Assert.AreEqual(NPTypeCode.Double, it.sample_weight.typecode);
        }

        using (var built = IteratorFixtures.Build(IteratorFixtures.Case("df_raw_single"), cache: false))
        {
            var it = built.Iterator;
            Assert.AreEqual(NPTypeCode.Double, it.labels!.typecode);
            Assert.AreEqual(it.n, (int)it.labels.size);
        }

        // flow_from_directory keeps its classes (and labels) whatever the class_mode: a prediction run with
        // class_mode=None and shuffle=False reads the true labels back from them.
        foreach (var name in new[] { "dir_none_rgba", "dir_input_grayscale" })
        {
            using var built = IteratorFixtures.Build(IteratorFixtures.Case(name), cache: false);
            var it = built.Iterator;
            var expected = IteratorFixtures.Case(name).Classes.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.IsGreaterThan(1, expected.Distinct().Count(), $"{name}: several classes");
            CollectionAssert.AreEqual(expected, it.classes, $"{name}: classes");
            CollectionAssert.AreEqual(expected, it.labels!.ToArray<int>(), $"{name}: labels");
        }

        using (var built = IteratorFixtures.Build(IteratorFixtures.Case("df_none"), cache: false))
        {
            Assert.IsNull(built.Iterator.labels, "a DataFrameIterator without classes has no labels");
            Assert.IsEmpty(built.Iterator.classes);
        }

        using (var built = IteratorFixtures.Build(IteratorFixtures.Case("df_categorical_multilabel"), cache: false))
        {
            var it = built.Iterator;
            // Several classes on a row: `classes` cannot be one int per sample, `class_lists` can.
            Assert.IsNull(it.labels);
            Assert.ThrowsExactly<InvalidOperationException>(() => it.classes);
            Assert.IsTrue(it.class_lists.Any(l => l.Length == 2));
        }
    }

    private static int[] Transposed(int[] shape, string from, string to) =>
        from == to ? shape : to == "channels_first" ? [shape[2], shape[0], shape[1]] : [shape[1], shape[2], shape[0]];

    private static void AssertClasses(IteratorCase c, FileImageIterator it)
    {
        if (c.ClassIndices is null)
        {
            return;
        }

        CollectionAssert.AreEquivalent(c.ClassIndices, it.class_indices.ToDictionary(), "class_indices");
        var expected = c.Classes.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(v => v.GetInt32()).ToArray() : [e.GetInt32()])
            .ToArray();
        Assert.HasCount(expected.Length, it.class_lists, "classes");
        for (int i = 0; i < expected.Length; i++)
        {
            CollectionAssert.AreEqual(expected[i], it.class_lists[i], $"classes[{i}] ({c.Filenames[i]})");
        }
    }

    private static void AssertBatch(IteratorCase c, RecordedBatch recorded, Batch batch, string layout)
    {
        string where = $"{c.Name} batch {recorded.Index}";
        var expectedX = IteratorFixtures.ExpectedImages(Fixture.Load(recorded.X), c.RecordedFormat, layout, out var shape);
        CollectionAssert.AreEqual(shape, batch.x.shape.Select(d => (long)d).ToArray(), $"{where}: x shape");
        Assert.AreEqual(NPTypeCode.Single, batch.x.typecode, $"{where}: x dtype");
        var actualX = batch.x.ToArray<float>();
        int mismatches = 0, first = -1;
        for (int i = 0; i < actualX.Length; i++)
        {
            if (actualX[i] != expectedX[i])
            {
                mismatches++;
                first = first < 0 ? i : first;
            }
        }

        Assert.AreEqual(0, mismatches, $"{where}: {mismatches} pixel values differ, first at flat index {first}");

        switch (recorded.Y.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.IsNull(batch.y, where);
                Assert.IsEmpty(batch.outputs, where);
                break;
            case JsonValueKind.String when recorded.Y.GetString() == "x":
                Assert.IsNotNull(batch.y, where);
                Assert.AreNotSame(batch.x, batch.y, $"{where}: input mode yields a copy");
                CollectionAssert.AreEqual(actualX, batch.y.ToArray<float>(), $"{where}: y == x");
                break;
            case JsonValueKind.String:
                Assert.IsNotNull(batch.y, where);
                AssertArray(Fixture.Load(recorded.Y.GetString()!), batch.y, $"{where}: y");
                break;
            default:
                var parts = recorded.Y.EnumerateArray().Select(p => p.GetString()!).ToArray();
                Assert.IsNull(batch.y, $"{where}: multi_output has no single y");
                Assert.HasCount(parts.Length, batch.outputs, where);
                for (int k = 0; k < parts.Length; k++)
                {
                    AssertArray(Fixture.Load(parts[k]), batch.outputs[k], $"{where}: output {k}");
                }

                break;
        }

        if (recorded.Weights is null)
        {
            Assert.IsTrue(batch.sample_weight is null || c.ClassMode is null, $"{where}: no weights expected");
        }
        else
        {
            Assert.IsNotNull(batch.sample_weight, where);
            AssertArray(Fixture.Load(recorded.Weights), batch.sample_weight, $"{where}: sample_weight");
        }
    }

    /// <summary>Same shape, same dtype (float32 labels, pandas' float64/int64 targets and weights), same values.</summary>
    private static void AssertArray(NDArray expected, NDArray actual, string what)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what} shape");
        Assert.AreEqual(expected.typecode, actual.typecode, $"{what} dtype");
        CollectionAssert.AreEqual(Fixture.Doubles(expected), Fixture.Doubles(actual), $"{what} values");
    }
}
