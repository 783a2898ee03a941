using System.Text.Json;
using Keras.Preprocessing.Memory.Tests.Gpu;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Seed;

/// <summary>
/// The <c>numpy_random</c> mode against keras_preprocessing 1.1.0 (Fixtures/numpy_seed/generate_numpy_seed.py):
/// the same seed gives Keras's index order and Keras's augmented batches, epoch after epoch, through
/// <c>next()</c> and through the Sequence protocol (indexer, then <c>on_epoch_end</c>), with and without shuffle,
/// with every augmentation <c>get_random_transform</c> draws; also <c>random_transform(x, seed)</c>,
/// <c>fit(augment: true, seed)</c>, and a flow without a seed after <c>np.random.seed</c>. These tests use the
/// process-wide generator, so they run alone.
/// </summary>
[TestClass]
[DoNotParallelize] // NumpyRandom is process-wide, as np.random is
public sealed class NumpySeedTests
{
    private const double Tolerance = 1e-4;

    public static IEnumerable<object[]> Flows => Section("flows").Select(c => new object[] { c.GetProperty("name").GetString()! });

    public static IEnumerable<object[]> Transforms => Section("transforms").Select(c => new object[] { c.GetProperty("name").GetString()! });

    [TestMethod]
    [DynamicData(nameof(Flows))]
    public void FlowGivesKerasBatches(string name) => CheckFlow(name, workers: 1, prefetch: 0);

    [TestMethod]
    [DynamicData(nameof(Flows))]
    public void FlowGivesKerasBatchesWithParallelWarpsAndPrefetch(string name) => CheckFlow(name, workers: 4, prefetch: 3);

    [TestMethod]
    public void ForeachWalksTheSequenceProtocol()
    {
        // foreach is Keras's Sequence walk: it[0] .. it[len - 1], then on_epoch_end().
        var c = Case("flows", "sequence_shuffle_full");
        var generator = CreateGenerator(c.GetProperty("generator"));
        using var x = Fixture.Load(c.GetProperty("images").GetString()!);
        using var y = np.arange(x.shape[0]);
        var flow = c.GetProperty("flow");
        using var it = generator.flow(x, y, batch_size: flow.GetProperty("batch_size").GetInt32(), shuffle: true, seed: flow.GetProperty("seed").GetInt32());
        var files = c.GetProperty("batches").EnumerateArray().Select(e => e.GetString()!).ToArray();
        int b = 0;
        for (int epoch = 0; epoch < c.GetProperty("epochs").GetInt32(); epoch++)
        {
            foreach (var batch in it)
            {
                using (batch)
                using (var expected = Fixture.Load(files[b]))
                {
                    Assert.IsLessThanOrEqualTo(Tolerance, Fixture.MaxAbsDiff(batch.x, expected), $"batch {b}");
                }

                b++;
            }
        }

        Assert.HasCount(b, files);
    }

    [TestMethod]
    public void ConcurrentCallersGetKerasBatchesInReservationOrder()
    {
        // Threads race for next(), but each batch's draws are made when it is reserved, under the locks, in Keras's
        // order: whoever gets the k-th reservation gets Keras's k-th batch, whole.
        var c = Case("flows", "next_shuffle_full");
        var generator = CreateGenerator(c.GetProperty("generator"));
        using var x = Fixture.Load(c.GetProperty("images").GetString()!);
        using var y = np.arange(x.shape[0]);
        using var it = generator.flow(x, y, batch_size: 4, shuffle: true, seed: 42, workers: 2, prefetch: 2);
        var files = c.GetProperty("batches").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var expected = files.Select(f =>
        {
            using var a = Fixture.Load(f);
            return Fixture.Floats(a);
        }).ToArray();
        var served = new System.Collections.Concurrent.ConcurrentBag<float[]>();
        Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            using var batch = it.next();
            served.Add(Fixture.Floats(batch.x));
        });

        var matched = new bool[files.Length];
        foreach (var batch in served)
        {
            int k = Enumerable.Range(0, files.Length).FirstOrDefault(
                i => !matched[i] && expected[i].Length == batch.Length && expected[i].Zip(batch).All(p => Math.Abs(p.First - p.Second) <= Tolerance), -1);
            Assert.AreNotEqual(-1, k, "a served batch is none of Keras's batches");
            matched[k] = true;
        }

        Assert.IsTrue(matched.All(m => m), "every one of Keras's batches served once");
    }

    [TestMethod]
    [DataRow("next_shuffle_full")]
    [DataRow("next_no_shuffle")]
    public void GpuKernelsWarpKerasDrawsOnAndOffTheDevice(string name)
    {
        // The draws are made when a batch is reserved, whatever executor warps it: next() and next_on_device()
        // alternate here on the GPU kernels (ILGPU's CPU accelerator) and still follow Keras's batches.
        var c = Case("flows", name);
        var generator = CreateGenerator(c.GetProperty("generator")).OnKernels();
        var flow = c.GetProperty("flow");
        using var x = Fixture.Load(c.GetProperty("images").GetString()!);
        using var y = np.arange(x.shape[0]);
        using var it = generator.flow(x, y, batch_size: flow.GetProperty("batch_size").GetInt32(), shuffle: flow.GetProperty("shuffle").GetBoolean(),
            seed: flow.GetProperty("seed").GetInt32(), device: GpuTestData.KernelDevice);
        Assert.AreEqual(GpuTestData.KernelDeviceName, it.device);
        var files = c.GetProperty("batches").EnumerateArray().Select(e => e.GetString()!).ToArray();
        for (int b = 0; b < files.Length; b++)
        {
            using var expected = Fixture.Load(files[b]);
            if (b % 2 == 0)
            {
                using var batch = it.next();
                Assert.IsLessThanOrEqualTo(Tolerance, Fixture.MaxAbsDiff(batch.x, expected), $"{name} batch {b} (next)");
            }
            else
            {
                using var onDevice = it.next_on_device();
                using var images = onDevice.numpy();
                Assert.IsLessThanOrEqualTo(Tolerance, Fixture.MaxAbsDiff(images, expected), $"{name} batch {b} (next_on_device)");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Transforms))]
    public void RandomTransformWithSeedIsKeras(string name)
    {
        var c = Case("transforms", name);
        var generator = CreateGenerator(c.GetProperty("generator"));
        int seed = c.GetProperty("seed").GetInt32();
        using var image = Fixture.Load(c.GetProperty("image").GetString()!);
        using var expected = Fixture.Load(c.GetProperty("expected").GetString()!);

        var parameters = generator.get_random_transform([.. image.shape.Select(d => (int)d)], seed);
        AssertKerasParameters(c.GetProperty("params"), parameters, name);

        using var actual = generator.random_transform(image, seed);
        double diff = Fixture.MaxAbsDiff(actual, expected);
        Assert.IsLessThanOrEqualTo(Tolerance, diff, $"{name}: random_transform differs from Keras's");
    }

    [TestMethod]
    public void RandomErasingDrawsAfterKerasAndLeavesItsNumbers()
    {
        var c = Case("transforms", "random_transform_full_9");
        var generator = CreateGenerator(c.GetProperty("generator"), random_erasing: 1.0);
        var parameters = generator.get_random_transform([8, 8, 3], c.GetProperty("seed").GetInt32());
        AssertKerasParameters(c.GetProperty("params"), parameters, "with random erasing");
        Assert.IsTrue((bool)parameters["random_erasing"]!, "p = 1 erases, from the draws after Keras's");
    }

    [TestMethod]
    public void FitAugmentWithSeedSeesKerasAugmentedSet()
    {
        var c = Section("fits").Single();
        var g = c.GetProperty("generator");
        var generator = CreateGenerator(g, featurewise: true);
        using var x = Fixture.Load(c.GetProperty("images").GetString()!);

        generator.fit(x, augment: true, rounds: c.GetProperty("rounds").GetInt32(), seed: c.GetProperty("seed").GetInt32());

        var mean = Fixture.Doubles(generator.mean!);
        var std = Fixture.Doubles(generator.std!);
        var expectedMean = c.GetProperty("mean").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var expectedStd = c.GetProperty("std").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int ch = 0; ch < expectedMean.Length; ch++)
        {
            Assert.AreEqual(expectedMean[ch], mean[ch], Tolerance, $"mean of channel {ch}");
            Assert.AreEqual(expectedStd[ch], std[ch], Tolerance, $"std of channel {ch}");
        }
    }

    [TestMethod]
    [DataRow(false, 1, 0)]
    [DataRow(true, 4, 2)]
    public void FlowFromDirectoryGivesKerasBatches(bool cache, int workers, int prefetch)
    {
        var c = Section("directories").Single();
        var flow = c.GetProperty("flow");
        var generator = CreateGenerator(c.GetProperty("generator"));
        var size = flow.GetProperty("target_size");
        using var it = generator.flow_from_directory(
            Path.Combine(Fixture.Root, c.GetProperty("directory").GetString()!),
            target_size: (size[0].GetInt32(), size[1].GetInt32()),
            batch_size: flow.GetProperty("batch_size").GetInt32(),
            shuffle: flow.GetProperty("shuffle").GetBoolean(),
            seed: flow.GetProperty("seed").GetInt32(),
            class_mode: flow.GetProperty("class_mode").GetString(),
            cache: cache,
            workers: workers,
            prefetch: prefetch);
        var files = c.GetProperty("batches").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var labels = c.GetProperty("labels").EnumerateArray().Select(o => o.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        for (int b = 0; b < files.Length; b++)
        {
            using var batch = it.next();
            using var expected = Fixture.Load(files[b]);
            CollectionAssert.AreEqual(labels[b], Fixture.Doubles(batch.y!), $"batch {b}: labels (Keras's order)");
            double diff = Fixture.MaxAbsDiff(batch.x, expected);
            Assert.IsLessThanOrEqualTo(Tolerance, diff, $"batch {b} (cache {cache}, workers {workers}, prefetch {prefetch}): differs from Keras's");
        }
    }

    [TestMethod]
    public void SaveToDirNamesAreKerasDrawsAndKeepTheStreamInStep()
    {
        var c = Section("save_to_dir").Single();
        var generator = CreateGenerator(c.GetProperty("generator"));
        using var x = Fixture.Load(c.GetProperty("images").GetString()!);
        using var y = np.arange(x.shape[0]);
        string dir = Directory.CreateTempSubdirectory("numpy_seed_").FullName;
        try
        {
            NumpyRandom.seed(c.GetProperty("global_seed").GetInt64());
            using var it = generator.flow(x, y, batch_size: c.GetProperty("flow").GetProperty("batch_size").GetInt32(), shuffle: true,
                save_to_dir: dir, save_prefix: "aug", save_format: "png");
            var files = c.GetProperty("batches").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var orders = c.GetProperty("index_order").EnumerateArray().Select(o => o.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            for (int b = 0; b < files.Length; b++)
            {
                using var batch = it.next();
                using var expected = Fixture.Load(files[b]);
                CollectionAssert.AreEqual(orders[b], batch.y!.ToArray<long>(), $"batch {b}: index order");
                Assert.IsLessThanOrEqualTo(Tolerance, Fixture.MaxAbsDiff(batch.x, expected), $"batch {b}: differs from Keras's");
            }

            var names = Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            var expectedNames = c.GetProperty("file_names").EnumerateArray().Select(e => e.GetString()).ToArray();
            CollectionAssert.AreEqual(expectedNames, names, "save_to_dir names: Keras's np.random.randint(1e4) draws");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void TwoUnseededIteratorsShareTheGlobalStreamAsInPython()
    {
        var c = Section("interleaved").Single();
        var generator = CreateGenerator(c.GetProperty("generator"));
        var paths = c.GetProperty("images").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var sizes = c.GetProperty("batch_sizes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var xa = Fixture.Load(paths[0]);
        using var xb = Fixture.Load(paths[1]);
        using var ya = np.arange(xa.shape[0]);
        using var yb = np.arange(xb.shape[0]);
        NumpyRandom.seed(c.GetProperty("global_seed").GetInt64());
        using var a = generator.flow(xa, ya, batch_size: sizes[0], shuffle: true);
        using var b = generator.flow(xb, yb, batch_size: sizes[1], shuffle: true);
        var files = c.GetProperty("batches").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var orders = c.GetProperty("index_order").EnumerateArray().Select(o => o.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        for (int k = 0; k < files.Length; k++)
        {
            using var batch = (k % 2 == 0 ? a : b).next();
            using var expected = Fixture.Load(files[k]);
            CollectionAssert.AreEqual(orders[k], batch.y!.ToArray<long>(), $"call {k}: index order");
            Assert.IsLessThanOrEqualTo(Tolerance, Fixture.MaxAbsDiff(batch.x, expected), $"call {k}: differs from Keras's");
        }
    }

    [TestMethod]
    public void UnseededFlowFollowsTheGlobalSeedAndAdvancesIt()
    {
        NumpyRandom.seed(5);
        double afterSeed = NumpyRandom.random();
        NumpyRandom.seed(5);
        Assert.AreEqual(afterSeed, NumpyRandom.random(), 0.0, "np.random.seed restarts the global stream");

        // The flow case itself (next_unseeded_after_global_seed) seeds the global generator, then flows with no seed.
        CheckFlow("next_unseeded_after_global_seed", workers: 2, prefetch: 0);
    }

    [TestMethod]
    public void NumpyRandomReplaysNumpysGlobalDraws()
    {
        foreach (var c in Section("raw"))
        {
            long seed = c.GetProperty("seed").GetInt64();
            NumpyRandom.seed(seed);

            // randint over [0, 2**32) takes the raw 32-bit outputs, as numpy's uint32 draw does.
            foreach (var e in c.GetProperty("uint32").EnumerateArray())
            {
                Assert.AreEqual(e.GetInt64(), NumpyRandom.randint(0, 1L << 32), $"seed {seed}: raw output");
            }

            foreach (var e in c.GetProperty("random_sample").EnumerateArray())
            {
                Assert.AreEqual(e.GetDouble(), NumpyRandom.random(), 0.0, $"seed {seed}: random()");
            }

            foreach (var e in c.GetProperty("uniform_-30_30").EnumerateArray())
            {
                Assert.AreEqual(e.GetDouble(), NumpyRandom.uniform(-30, 30), 0.0, $"seed {seed}: uniform(-30, 30)");
            }

            foreach (var range in c.GetProperty("randint_0_hi").EnumerateObject())
            {
                long high = long.Parse(range.Name, System.Globalization.CultureInfo.InvariantCulture);
                foreach (var e in range.Value.EnumerateArray())
                {
                    Assert.AreEqual(e.GetInt64(), NumpyRandom.randint(0, high), $"seed {seed}: randint(0, {high})");
                }
            }

            foreach (var e in c.GetProperty("choice_signs").EnumerateArray())
            {
                Assert.AreEqual(e.GetInt32(), NumpyRandom.randint(0, 2) == 0 ? -1 : 1, $"seed {seed}: choice([-1, 1])");
            }

            bool useShuffle = false;
            foreach (var perm in c.GetProperty("permutation").EnumerateObject())
            {
                int n = int.Parse(perm.Name, System.Globalization.CultureInfo.InvariantCulture);
                var expected = perm.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray();
                int[] actual;
                if (useShuffle)
                {
                    // shuffle(arange(n)) makes the same draws as permutation(n).
                    actual = Enumerable.Range(0, n).ToArray();
                    NumpyRandom.shuffle(actual);
                }
                else
                {
                    actual = NumpyRandom.permutation(n);
                }

                CollectionAssert.AreEqual(expected, actual, $"seed {seed}: permutation({n})");
                useShuffle = !useShuffle;
            }
        }
    }

    [TestMethod]
    public void FitWithSeedReseedsTheGlobalStreamEvenWithoutAugment()
    {
        var generator = new ImageDataGenerator(featurewise_center: true, rotation_range: 10, numpy_random: true);
        using var x = np.ones(new Shape(2, 4, 4, 3), NPTypeCode.Single);
        NumpyRandom.seed(3);
        double expected = NumpyRandom.random();

        NumpyRandom.seed(99);
        generator.fit(x, seed: 3); // Keras: `if seed is not None: np.random.seed(seed)`, before and whatever `augment`
        Assert.AreEqual(expected, NumpyRandom.random(), 0.0);
    }

    [TestMethod]
    public void NumpyModeRefusesShardsAndNegativeSeeds()
    {
        var generator = new ImageDataGenerator(rotation_range: 10, numpy_random: true);
        using var x = np.zeros(new Shape(4, 8, 8, 3), NPTypeCode.Single);
        Assert.ThrowsExactly<ArgumentException>(() => generator.flow(x, shuffle: false, num_shards: 2, shard_index: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => generator.flow(x, seed: -1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => generator.get_random_transform([8, 8, 3], -1));
    }

    [TestMethod]
    public void DefaultModeIsUnchangedByTheGlobalGenerator()
    {
        var generator = new ImageDataGenerator(rotation_range: 30, horizontal_flip: true);
        Assert.IsFalse(generator.numpy_random);
        NumpyRandom.seed(1);
        var first = generator.get_random_transform([8, 8, 3], 77);
        NumpyRandom.seed(2);
        var second = generator.get_random_transform([8, 8, 3], 77);
        Assert.AreEqual(first["theta"], second["theta"], "the keyed mode never reads the global generator");
    }

    private static void CheckFlow(string name, int workers, int prefetch)
    {
        var c = Case("flows", name);
        var generator = CreateGenerator(c.GetProperty("generator"));
        var flow = c.GetProperty("flow");
        using var x = Fixture.Load(c.GetProperty("images").GetString()!);
        using var y = np.arange(x.shape[0]);
        int? seed = flow.TryGetProperty("seed", out var s) ? s.GetInt32() : null;
        if (c.GetProperty("global_seed").ValueKind == JsonValueKind.Number)
        {
            NumpyRandom.seed(c.GetProperty("global_seed").GetInt64());
        }

        using var it = generator.flow(x, y, batch_size: flow.GetProperty("batch_size").GetInt32(), shuffle: flow.GetProperty("shuffle").GetBoolean(),
            seed: seed, workers: workers, prefetch: prefetch);
        var files = c.GetProperty("batches").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var orders = c.GetProperty("index_order").EnumerateArray().Select(o => o.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        bool sequence = c.GetProperty("protocol").GetString() == "sequence";
        for (int b = 0; b < files.Length; b++)
        {
            using var batch = sequence ? it[b % it.len] : it.next();
            using var expected = Fixture.Load(files[b]);
            var order = batch.y!.ToArray<long>();
            CollectionAssert.AreEqual(orders[b], order, $"{name} batch {b}: index order");
            double diff = Fixture.MaxAbsDiff(batch.x, expected);
            Assert.IsLessThanOrEqualTo(Tolerance, diff, $"{name} batch {b} (workers {workers}, prefetch {prefetch}): differs from Keras's");
            if (sequence && b % it.len == it.len - 1)
            {
                it.on_epoch_end();
            }
        }
    }

    private static void AssertKerasParameters(JsonElement expected, Dictionary<string, object?> actual, string name)
    {
        foreach (var p in expected.EnumerateObject())
        {
            var value = actual[p.Name];
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Null:
                    Assert.IsNull(value, $"{name}: {p.Name}");
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    Assert.AreEqual(p.Value.GetBoolean(), value, $"{name}: {p.Name}");
                    break;
                default:
                    Assert.AreEqual(p.Value.GetDouble(), Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), 1e-12, $"{name}: {p.Name}");
                    break;
            }
        }
    }

    /// <summary>The generator the script built, from its JSON arguments (ints stay ints: an int shift range is a choice).</summary>
    private static ImageDataGenerator CreateGenerator(JsonElement g, bool featurewise = false, double random_erasing = 0) => new(
        featurewise_center: featurewise,
        featurewise_std_normalization: featurewise,
        rotation_range: Number(g, "rotation_range") ?? 0,
        width_shift_range: Shift(g, "width_shift_range"),
        height_shift_range: Shift(g, "height_shift_range"),
        brightness_range: g.TryGetProperty("brightness_range", out var b) ? (b[0].GetDouble(), b[1].GetDouble()) : null,
        shear_range: Number(g, "shear_range") ?? 0,
        zoom_range: g.TryGetProperty("zoom_range", out var z)
            ? z.ValueKind == JsonValueKind.Array ? (z[0].GetDouble(), z[1].GetDouble()) : z.GetDouble()
            : default,
        channel_shift_range: Number(g, "channel_shift_range") ?? 0,
        fill_mode: g.TryGetProperty("fill_mode", out var f) ? f.GetString()! : "nearest",
        cval: Number(g, "cval") ?? 0,
        horizontal_flip: g.TryGetProperty("horizontal_flip", out var h) && h.GetBoolean(),
        vertical_flip: g.TryGetProperty("vertical_flip", out var v) && v.GetBoolean(),
        random_erasing: random_erasing,
        numpy_random: true);

    private static double? Number(JsonElement g, string key) => g.TryGetProperty(key, out var e) ? e.GetDouble() : null;

    private static ShiftRange Shift(JsonElement g, string key)
    {
        if (!g.TryGetProperty(key, out var e))
        {
            return default;
        }

        if (e.ValueKind == JsonValueKind.Array)
        {
            return e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
        }

        return e.GetRawText().Contains('.', StringComparison.Ordinal) ? (ShiftRange)e.GetDouble() : (ShiftRange)e.GetInt32();
    }

    private static JsonElement[] Section(string name) => [.. NumpyRandomStateTests.Manifest().GetProperty(name).EnumerateArray()];

    private static JsonElement Case(string section, string name) => Section(section).Single(c => c.GetProperty("name").GetString() == name);
}
