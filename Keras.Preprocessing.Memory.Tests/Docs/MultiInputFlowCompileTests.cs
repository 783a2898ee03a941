namespace Keras.Preprocessing.Memory.Tests.Docs;

/// <summary>
/// docs/porting.md translates Keras's multi-input <c>flow((images, meta), y)</c> as <c>flow(new[] { images, meta }, y)</c>.
/// An <c>NDArray[]</c> converts both to <c>IReadOnlyList&lt;NDArray&gt;</c> and (through NumSharp's implicit conversion
/// from any array) to <c>NDArray</c>, so without an exact overload the call was ambiguous (CS0121).
/// </summary>
[TestClass]
public sealed class MultiInputFlowCompileTests
{
    [TestMethod]
    [DataRow("datagen.flow(new[] { images, meta }, y)")]
    [DataRow("datagen.flow(new[] { images, meta }, y, batch_size: 2, seed: 1)")]
    [DataRow("datagen.flow(new[] { images, meta })")]
    [DataRow("datagen.flow([images, meta], y)")]
    [DataRow("datagen.flow(new List<NDArray> { images, meta }, y)")]
    [DataRow("datagen.flow(images, y)")]
    public void MultiInputFlowAsThePortingGuideWritesItCompiles(string call)
    {
        var errors = DocSnippetTests.Compile($$"""
            using Keras.Preprocessing.Memory;
            using NumSharp;

            var images = np.zeros(new Shape(4, 8, 8, 3), NPTypeCode.Single);
            var meta = np.zeros(new Shape(4, 2), NPTypeCode.Single);
            var y = np.arange(4);
            var datagen = new ImageDataGenerator();
            using var it = {{call}};
            var batch = it.next();
            Console.WriteLine(batch.inputs.Count);
            """);

        Assert.IsEmpty(errors, string.Join("\n", errors));
    }

    [TestMethod]
    public void MultiInputFlowServesImagesThenMeta()
    {
        using var images = NumSharp.np.arange(4 * 2 * 2 * 1).reshape(4, 2, 2, 1).astype(NumSharp.NPTypeCode.Single);
        using var meta = NumSharp.np.arange(8).reshape(4, 2).astype(NumSharp.NPTypeCode.Single);
        using var y = NumSharp.np.arange(4);

        using var it = new ImageDataGenerator().flow(new[] { images, meta }, y, batch_size: 4, shuffle: false);
        using var batch = it.next();

        Assert.HasCount(2, batch.inputs);
        CollectionAssert.AreEqual(meta.ToArray<float>(), batch.inputs[1].ToArray<float>());
    }
}
