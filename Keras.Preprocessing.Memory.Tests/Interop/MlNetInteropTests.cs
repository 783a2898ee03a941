using Microsoft.ML;
using Microsoft.ML.Data;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Interop;

/// <summary>
/// ML.NET trains on augmented batches: each batch is spread over row objects, an epoch of them is an IDataView, and
/// a logistic regression learns to tell two kinds of image apart (docs/interop.md, "ML.NET").
/// </summary>
[TestClass]
public sealed class MlNetInteropTests
{
    private const int Side = 8;

    [TestMethod]
    public void AModelTrainedOnAugmentedBatchesLearnsTheClasses()
    {
        var (trainX, trainY) = Stripes(count: 60, seed: 1);
        var (testX, testY) = Stripes(count: 40, seed: 2);
        using (trainX)
        using (trainY)
        using (testX)
        using (testY)
        {
            var datagen = new ImageDataGenerator(rotation_range: 10, width_shift_range: 0.1, height_shift_range: 0.1, zoom_range: 0.1);
            using var it = datagen.flow(trainX, trainY, batch_size: 16, seed: 3);

            var ml = new MLContext(seed: 0);
            var rows = Enumerable.Range(0, 3).SelectMany(_ => Rows(it));    // three augmented epochs
            var model = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(ml.Data.LoadFromEnumerable(rows));

            using var plain = new ImageDataGenerator().flow(testX, testY, batch_size: 40, shuffle: false);
            var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Rows(plain))));

            Assert.IsGreaterThan(0.9, metrics.Accuracy, $"accuracy {metrics.Accuracy:F3} on images it never saw");
        }
    }

    /// <summary>One row per image of an epoch of batches; the batch is disposed once its rows are copied out.</summary>
    internal static IEnumerable<ImageRow> Rows(NumpyArrayIterator it)
    {
        foreach (var batch in it)
        {
            using (batch)
            {
                int size = batch.x_shape[1] * batch.x_shape[2] * batch.x_shape[3];
                float[] images = batch.AsSpan().ToArray();
                int[] labels = batch.LabelsAsSpan<int>().ToArray();
                for (int i = 0; i < batch.Count; i++)
                {
                    yield return new ImageRow { Features = images[(i * size)..((i + 1) * size)], Label = labels[i] == 1 };
                }
            }
        }
    }

    // Class 0: a bright horizontal bar; class 1: a bright vertical bar; both on noise, anywhere near the centre.
    private static (NDArray X, NDArray Y) Stripes(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * Side * Side];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 2;
            int at = 3 + random.Next(2);
            for (int r = 0; r < Side; r++)
            {
                for (int c = 0; c < Side; c++)
                {
                    bool bar = labels[n] == 0 ? r == at : c == at;
                    pixels[(n * Side * Side) + (r * Side) + c] = (bar ? 200f : 0f) + (float)(random.NextDouble() * 40);
                }
            }
        }

        return (new NDArray(pixels, new Shape(count, Side, Side, 1)), new NDArray(labels, new Shape(count)));
    }

    internal sealed class ImageRow
    {
        [VectorType(Side * Side)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
