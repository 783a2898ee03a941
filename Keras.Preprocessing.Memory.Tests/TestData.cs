using NumSharp;

namespace Keras.Preprocessing.Memory.Tests;

/// <summary>Small deterministic datasets for behaviour tests.</summary>
internal static class TestData
{
    /// <summary>n images of rows × cols × channels whose first pixel encodes the sample index, so batches can be traced.</summary>
    public static NDArray IndexedImages(int n, int rows = 8, int cols = 6, int channels = 3, NPTypeCode dtype = NPTypeCode.Single)
    {
        var values = new float[n * rows * cols * channels];
        var random = new Random(1234);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        for (int s = 0; s < n; s++)
        {
            for (int k = 0; k < rows * cols * channels; k++)
            {
                values[(s * rows * cols * channels) + k] = dtype == NPTypeCode.Byte ? (s + k) % 256 : s + (values[(s * rows * cols * channels) + k] * 0.5f);
            }
        }

        var array = new NDArray(values, new Shape(n, rows, cols, channels));
        if (dtype == NPTypeCode.Single)
        {
            return array;
        }

        using (array)
        {
            return array.astype(dtype);
        }
    }

    public static NDArray Labels(int n) => new NDArray(Enumerable.Range(0, n).ToArray(), new Shape(n));

    public static float[] Floats(NDArray a)
    {
        using var f = a.astype(NPTypeCode.Single);
        return f.ToArray<float>();
    }

    public static int[] Ints(NDArray a)
    {
        using var f = a.astype(NPTypeCode.Int32);
        return f.ToArray<int>();
    }
}
