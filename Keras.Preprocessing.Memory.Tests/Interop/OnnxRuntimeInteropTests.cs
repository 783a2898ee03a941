using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Interop;

/// <summary>
/// ONNX Runtime reads a batch in place: <c>OrtValue.CreateTensorValueFromMemory</c> over <c>batch.AsMemory()</c>
/// pins the batch's own buffer (no copy), and a model run on it sees the augmented pixels (docs/interop.md).
/// </summary>
[TestClass]
public sealed class OnnxRuntimeInteropTests
{
    [TestMethod]
    public void ABatchRunsThroughAnOnnxModelWithoutACopy()
    {
        using var x = TestImages.RandomUInt8(10, 5, 4, 3, seed: 1);
        var datagen = new ImageDataGenerator(rescale: 1.0 / 255, rotation_range: 15, horizontal_flip: true);
        using var it = datagen.flow(x, batch_size: 4, seed: 2);
        using var session = new InferenceSession(TinyOnnx.PerImageMean(5, 4, 3));
        using var runOptions = new RunOptions();

        using var batch = it.next();
        long[] shape = Array.ConvertAll(batch.x_shape, d => (long)d);
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.AsMemory(), shape);

        // Zero copy: the tensor's data is the batch's own first float.
        Assert.IsTrue(Unsafe.AreSame(
            ref MemoryMarshal.GetReference(input.GetTensorDataAsSpan<float>()),
            ref MemoryMarshal.GetReference(batch.AsSpan())));

        using var outputs = session.Run(runOptions, ["x"], [input], ["y"]);
        float[] means = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.HasCount(4, means);
        int size = 5 * 4 * 3;
        float[] pixels = batch.AsSpan().ToArray();
        for (int i = 0; i < 4; i++)
        {
            float expected = pixels.AsSpan(i * size, size).ToArray().Average();
            Assert.AreEqual(expected, means[i], 1e-5f, $"image {i}");
        }

        Assert.IsTrue(means.All(m => m is > 0f and < 1f), "rescaled augmented pixels, not raw bytes");
    }

    [TestMethod]
    public void WritesThroughTheBatchAreSeenByTheModel()
    {
        using var x = TestImages.RandomUInt8(2, 5, 4, 3, seed: 3);
        using var it = new ImageDataGenerator().flow(x, batch_size: 2, shuffle: false);
        using var session = new InferenceSession(TinyOnnx.PerImageMean(5, 4, 3));
        using var batch = it.next();
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.AsMemory(), [2, 5, 4, 3]);

        batch.AsMemory().Span[..60].Fill(2f);   // image 0 becomes all 2.0 after the OrtValue was made
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x"], [input], ["y"]);

        Assert.AreEqual(2f, outputs[0].GetTensorDataAsSpan<float>()[0], 1e-6f);
    }
}
