using Keras.Preprocessing.Memory.Tests.Files;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>
/// Lines of real Keras scripts that keras_preprocessing 1.1.0 runs and a line-by-line port must run too: old keyword
/// arguments Keras still takes, and attributes scripts read back.
/// </summary>
[TestClass]
[DoNotParallelize] // captures Console and KerasWarnings, both process-wide
public sealed class PortedScriptTests
{
    [TestMethod]
    public void OldFlowFromDataframeKeywordsAreAcceptedWithKerasWarnings()
    {
        // train_generator = datagen.flow_from_dataframe(df, directory, x_col="filename", y_col="class", has_ext=True,
        //                                               sort=False, drop_duplicates=False, target_size=(16, 16))
        var df = IteratorFixtures.LoadLabels();
        using var plain = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(
            df, IteratorFixtures.Images, target_size: (16, 16), shuffle: false));
        using var old = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(
            df, IteratorFixtures.Images, target_size: (16, 16), shuffle: false, has_ext: true, sort: false, drop_duplicates: false));

        // Keras's DeprecationWarnings, in Keras's order, before its usual ones; the flags change nothing.
        CollectionAssert.AreEqual(
            new[]
            {
                "has_ext is deprecated, filenames in the dataframe have to match the exact filenames in disk.",
                "sort is deprecated, batches will be created in thesame order than the filenames provided if shuffleis set to False.",
                "drop_duplicates is deprecated, you can drop duplicates by using the pandas.DataFrame.drop_duplicates method.",
            },
            old.Warnings.Take(3).ToArray());
        CollectionAssert.AreEqual(plain.Warnings.ToArray(), old.Warnings.Skip(3).ToArray());
        Assert.AreEqual(plain.Found, old.Found);
        CollectionAssert.AreEqual(plain.Iterator.filenames.ToArray(), old.Iterator.filenames.ToArray());
        using var expected = plain.Iterator[0];
        using var actual = old.Iterator[0];
        CollectionAssert.AreEqual(expected.x.ToArray<float>(), actual.x.ToArray<float>());
        CollectionAssert.AreEqual(expected.y!.ToArray<float>(), actual.y!.ToArray<float>());
    }

    [TestMethod]
    public void ClassModeOtherIsRawWithKerasWarning()
    {
        // The batches are checked against Keras in FileIteratorFixtureTests (case df_other_is_raw); here, what the
        // iterator reports afterwards, which Keras also reports as "raw".
        using var built = IteratorFixtures.Capture(() => new ImageDataGenerator().flow_from_dataframe(
            IteratorFixtures.LoadLabels(), IteratorFixtures.Images, y_col: "score", class_mode: "other", target_size: (8, 8)));
        Assert.AreEqual("raw", built.Iterator.class_mode);
        Assert.AreEqual("`class_mode` \"other\" is deprecated, please use `class_mode` \"raw\".", built.Warnings[0]);
        Assert.AreEqual(built.Iterator.n, (int)built.Iterator.labels!.size);
    }

    [TestMethod]
    [DataRow("float32", NPTypeCode.Single)]
    [DataRow("float64", NPTypeCode.Double)]
    public void FittedStatisticsHaveTheGeneratorDtype(string dtype, NPTypeCode expected)
    {
        // Keras's fit converts x to the generator's dtype first, so mean, std and principal_components come out in it.
        using var x = TestData.IndexedImages(6, rows: 3, cols: 4);
        var g = new ImageDataGenerator(featurewise_center: true, featurewise_std_normalization: true, dtype: dtype);
        g.fit(x);
        var zca = new ImageDataGenerator(zca_whitening: true, zca_epsilon: 0.1, dtype: dtype);
        zca.fit(x);
        Assert.AreEqual(expected, g.mean!.typecode);
        Assert.AreEqual(expected, g.std!.typecode);
        Assert.AreEqual(expected, zca.principal_components!.typecode);
        CollectionAssert.AreEqual(new long[] { 1, 1, 3 }, g.mean.shape.Select(d => (long)d).ToArray());

        // The values are the same whatever the dtype.
        var reference = new ImageDataGenerator(featurewise_center: true, featurewise_std_normalization: true);
        reference.fit(x);
        CollectionAssert.AreEqual(Fixture.Doubles(reference.mean!), Fixture.Doubles(g.mean));
        CollectionAssert.AreEqual(Fixture.Doubles(reference.std!), Fixture.Doubles(g.std));
    }
}
