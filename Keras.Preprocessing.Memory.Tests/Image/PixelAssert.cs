using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Image;

/// <summary>Compares img_to_array output with recorded Keras pixels.</summary>
internal static class PixelAssert
{
    /// <summary>Largest absolute difference between <paramref name="actual"/> (float32) and the expected bytes.</summary>
    public static int MaxAbsDiff(NDArray actual, int[] expectedShape, byte[] expected, string context)
    {
        CollectionAssert.AreEqual(expectedShape, actual.shape.Select(d => (int)d).ToArray(), $"shape of {context}");
        Assert.AreEqual(NPTypeCode.Single, actual.typecode, context);
        Span<float> values = actual.Unsafe.Storage.AsSpan<float>();
        Assert.AreEqual(expected.Length, values.Length, context);
        int max = 0;
        for (int i = 0; i < values.Length; i++)
        {
            max = Math.Max(max, (int)Math.Abs(values[i] - expected[i]));
        }
        return max;
    }
}
