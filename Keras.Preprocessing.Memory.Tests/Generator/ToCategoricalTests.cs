using Microsoft.Data.Analysis;
using NumSharp;
using static Keras.Preprocessing.Memory.KerasUtils;

namespace Keras.Preprocessing.Memory.Tests.Generator;

/// <summary>to_categorical's input forms and its refusals, which are stricter than Keras's silent wrap-around.</summary>
[TestClass]
public sealed class ToCategoricalTests
{
    [TestMethod]
    public void AcceptsArraysAndDataFrameColumns()
    {
        var fromInts = to_categorical(new[] { 1, 0, 2 });
        CollectionAssert.AreEqual(new long[] { 3, 3 }, fromInts.shape);
        CollectionAssert.AreEqual(new float[] { 0, 1, 0, 1, 0, 0, 0, 0, 1 }, fromInts.ToArray<float>());

        var df = new DataFrame(new PrimitiveDataFrameColumn<int>("label", new[] { 2, 0, 1 }));
        var fromColumn = to_categorical(df["label"]);
        CollectionAssert.AreEqual(new long[] { 3, 3 }, fromColumn.shape);
        CollectionAssert.AreEqual(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, fromColumn.ToArray<float>());

        var fromLongs = to_categorical(new long[] { 3 }, num_classes: 5, dtype: "float64");
        Assert.AreEqual(NPTypeCode.Double, fromLongs.typecode);
        CollectionAssert.AreEqual(new[] { 0.0, 0, 0, 1, 0 }, fromLongs.ToArray<double>());
    }

    [TestMethod]
    public void RefusesNegativeAndOutOfRangeLabelsNamingTheValue()
    {
        var negative = Assert.ThrowsExactly<ArgumentException>(() => to_categorical(new[] { 0, -1, 2 }));
        StringAssert.Contains(negative.Message, "-1");
        Assert.AreEqual("y", negative.ParamName);

        var tooLarge = Assert.ThrowsExactly<ArgumentException>(() => to_categorical(new[] { 0, 5 }, num_classes: 3));
        StringAssert.Contains(tooLarge.Message, "5");
        StringAssert.Contains(tooLarge.Message, "num_classes = 3");

        var text = new DataFrame(new StringDataFrameColumn("label", new[] { "cat", "dog" }));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => to_categorical(text["label"])).Message, "cat");

        Assert.AreEqual("dtype", Assert.ThrowsExactly<ArgumentException>(() => to_categorical(new[] { 1 }, dtype: "complex64")).ParamName);

        // Keras's np.max of no labels fails: num_classes cannot be inferred. Given, the result is (0, num_classes).
        Assert.AreEqual("y", Assert.ThrowsExactly<ArgumentException>(() => to_categorical(Array.Empty<int>())).ParamName);
        CollectionAssert.AreEqual(new long[] { 0, 3 }, to_categorical(Array.Empty<int>(), num_classes: 3).shape);
    }

    [TestMethod]
    [DataRow("float32", NPTypeCode.Single)]
    [DataRow("float", NPTypeCode.Double)]
    [DataRow("float16", NPTypeCode.Half)]
    [DataRow("int8", NPTypeCode.SByte)]
    [DataRow("int", NPTypeCode.Int64)]
    [DataRow("uint8", NPTypeCode.Byte)]
    [DataRow("bool", NPTypeCode.Boolean)]
    public void TakesEveryNumpyDtypeKerasTakes(string dtype, NPTypeCode expected)
    {
        // Keras builds np.zeros((n, num_classes), dtype=dtype): any numpy dtype name, aliases included.
        var encoded = to_categorical(new[] { 2, 0 }, dtype: dtype);
        Assert.AreEqual(expected, encoded.typecode);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, encoded.shape);
        using var asDouble = encoded.astype(NPTypeCode.Double);
        CollectionAssert.AreEqual(new[] { 0.0, 0, 1, 1, 0, 0 }, asDouble.ToArray<double>());
    }
}
