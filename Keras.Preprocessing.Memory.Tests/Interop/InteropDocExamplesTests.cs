using System.Numerics.Tensors;
using Keras.Preprocessing.Memory.Iterators;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Interop;

/// <summary>
/// The compiled counterparts of docs/interop.md's snippets that use only this library (and .NET): if one of them
/// stops compiling or working, the doc is wrong too.
/// </summary>
[TestClass]
public sealed class InteropDocExamplesTests
{
    [TestMethod]
    public void SpansAndShapesFeedAnyTrainer()
    {
        using var x = TestImages.RandomUInt8(10, 8, 8, 3, seed: 1);
        using var y = KerasUtils.to_categorical(Enumerable.Range(0, 10).Select(i => i % 3).ToArray(), num_classes: 3);
        var datagen = new ImageDataGenerator(rotation_range: 15, horizontal_flip: true, rescale: 1.0 / 255);
        using var it = datagen.flow(x, y, batch_size: 4, seed: 0);

        // doc: "Spans and shapes"
        double loss = 0;
        foreach (var batch in it)
        {
            using (batch)
            {
                ReadOnlySpan<float> images = batch.AsSpan();        // (batch, 8, 8, 3), C order
                ReadOnlySpan<float> labels = batch.LabelsAsSpan<float>();
                loss += TrainStep(images, batch.x_shape, labels, batch.y_shape!);
            }
        }

        Assert.IsGreaterThan(0, loss);
    }

    [TestMethod]
    public void BatchesBecomeSystemNumericsTensorSpans()
    {
        using var x = TestImages.RandomUInt8(4, 5, 6, 3, seed: 2);
        using var it = new ImageDataGenerator().flow(x, batch_size: 4, shuffle: false);
        using var batch = it.next();

        // doc: "System.Numerics.Tensors"
        var lengths = Array.ConvertAll(batch.x_shape, d => (nint)d);
        var tensor = new ReadOnlyTensorSpan<float>(batch.AsSpan(), lengths);

        Assert.AreEqual(4, tensor.Rank);
        Assert.AreEqual(batch.x.GetSingle(3, 4, 5, 2), tensor[3, 4, 5, 2]);
    }

    [TestMethod]
    public void AFitLoopWrittenForSequencesTakesIteratorsAndCustomSequences()
    {
        using var x = TestImages.RandomUInt8(6, 4, 4, 1, seed: 3);
        using var it = new ImageDataGenerator(vertical_flip: true).flow(x, batch_size: 4, seed: 1);

        // doc: "Keras Sequence"
        int fromIterator = Fit(it, epochs: 2);               // an iterator converts implicitly
        int fromCustom = Fit(new NoiseSequence(batches: 3), epochs: 2);

        Assert.AreEqual(2 * 6, fromIterator);
        Assert.AreEqual(2 * 3 * 2, fromCustom);
    }

    [TestMethod]
    public async Task AsyncTrainingLoopStopsOnCancellation()
    {
        using var x = TestImages.RandomUInt8(32, 4, 4, 3, seed: 4);
        using var it = new ImageDataGenerator(rotation_range: 10).flow(x, batch_size: 8, seed: 2);
        using var cts = new CancellationTokenSource();

        // doc: "Async training loops"
        int steps = 0;
        try
        {
            await foreach (var batch in it.AsAsyncEnumerable(epochs: 10, cts.Token))
            {
                using (batch)
                {
                    await Task.Yield();                      // e.g. await an accelerator's queue
                    if (++steps == 6)
                    {
                        cts.Cancel();                        // e.g. early stopping
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped between batches.
        }

        Assert.AreEqual(6, steps);
    }

    [TestMethod]
    public void EachWorkerFlowsItsShard()
    {
        using var x = TestImages.RandomUInt8(10, 4, 4, 3, seed: 5);
        var datagen = new ImageDataGenerator(horizontal_flip: true);
        var seen = new List<int>();

        // doc: "Data-parallel workers" (rank and world size would come from the launcher's environment)
        const int worldSize = 3;
        for (int rank = 0; rank < worldSize; rank++)
        {
            using var it = datagen.flow(x, batch_size: 2, seed: 1234, num_shards: worldSize, shard_index: rank);
            foreach (var batch in it)
            {
                using (batch)
                {
                    seen.AddRange(batch.index_array);
                }
            }
        }

        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).ToArray(), seen.ToArray());
    }

    [TestMethod]
    public void MemoryMappedNpyFlowsInPlace()
    {
        using var dir = TestImages.TempDir();
        using (var data = TestImages.RandomUInt8(6, 4, 4, 3, seed: 6))
        {
            np.save(dir.File("train_x.npy"), data);
        }

        // doc: "Datasets larger than RAM"
        using var x = (NDArray)np.load(dir.File("train_x.npy"), mmap_mode: "r");
        using var it = new ImageDataGenerator(rescale: 1.0 / 255).flow(x, batch_size: 4, seed: 0);
        using var batch = it.next();

        Assert.AreEqual(4, batch.Count);
        Assert.IsLessThanOrEqualTo(1f, batch.AsSpan().ToArray().Max());
    }

    /// <summary>A stand-in for a trainer's step that reads spans and shapes: a mean squared "loss".</summary>
    private static double TrainStep(ReadOnlySpan<float> x, int[] xShape, ReadOnlySpan<float> y, int[] yShape)
    {
        Assert.AreEqual(x.Length, xShape.Aggregate(1, (a, d) => a * d));
        Assert.AreEqual(y.Length, yShape.Aggregate(1, (a, d) => a * d));
        double sum = 0;
        foreach (float v in x)
        {
            sum += v * v;
        }

        return sum / x.Length;
    }

    /// <summary>A Keras-style fit loop over any Sequence: len batches by index, then on_epoch_end.</summary>
    private static int Fit(KerasSequence sequence, int epochs)
    {
        int samples = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (int i = 0; i < sequence.len; i++)
            {
                using var batch = sequence[i];
                samples += batch.Count;
            }

            sequence.on_epoch_end();
        }

        return samples;
    }

    /// <summary>A user-written Sequence, as one subclasses keras.utils.Sequence: random 2-image batches.</summary>
    private sealed class NoiseSequence(int batches) : KerasSequence
    {
        private int _epoch;

        public override int len => batches;

        public override Batch this[int index]
        {
            get
            {
                var rng = new Random((_epoch * 1000) + index);
                var images = new float[2 * 4 * 4 * 1];
                for (int i = 0; i < images.Length; i++)
                {
                    images[i] = rng.NextSingle();
                }

                return new Batch(new NDArray(images, new Shape(2, 4, 4, 1)), y: new NDArray(new[] { 0, 1 }, new Shape(2)));
            }
        }

        public override void on_epoch_end() => _epoch++;
    }
}
