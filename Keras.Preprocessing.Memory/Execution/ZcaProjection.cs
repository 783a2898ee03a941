using System.Numerics.Tensors;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>ZCA whitening of a batch: each flattened image (a row) times the D × D principal components.</summary>
internal static class ZcaProjection
{
    public static void Apply(float[] batch, int count, int size, float[] components, ParallelOptions parallel)
    {
        if (components.Length != (long)size * size)
        {
            throw new InvalidOperationException(
                $"`principal_components` should be ({size}, {size}) for images of {size} values; it holds {components.Length} values.");
        }

        Parallel.For(0, count, parallel, () => new float[size], (s, _, accumulator) =>
        {
            var row = batch.AsSpan(s * size, size);
            accumulator.AsSpan().Clear();
            for (int k = 0; k < size; k++)
            {
                float xk = row[k];
                if (xk != 0)
                {
                    TensorPrimitives.MultiplyAdd(components.AsSpan(k * size, size), xk, accumulator, accumulator);
                }
            }

            accumulator.AsSpan().CopyTo(row);
            return accumulator;
        }, _ => { });
    }
}
