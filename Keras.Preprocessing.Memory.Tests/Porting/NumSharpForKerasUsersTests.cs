using Microsoft.Data.Analysis;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Porting;

/// <summary>
/// docs/porting.md, "NumSharp and pandas for a Keras user": one test per row, named after the row. Each runs the
/// row's C# line as the guide writes it and checks it against what the Python line gives (golden values from
/// Fixtures/porting/generate_porting.py where numpy or pandas computes something).
/// </summary>
[TestClass]
public sealed class NumSharpForKerasUsersTests
{
    private static NDArray Images(int count, int size = 8) =>
        np.arange(count * size * size * 3).reshape(count, size, size, 3).astype(np.float32);

    [TestMethod]
    public void np_array_of_arrays_becomes_np_stack()
    {
        var a = np.full(new Shape(64, 64, 3), 1f, np.float32);
        var b = np.full(new Shape(64, 64, 3), 2f, np.float32);

        // The literal port throws: NumSharp's np.array has no NDArray[] form.
        Assert.ThrowsExactly<NotSupportedException>(() => np.array(new[] { a, b }));

        var images = np.stack(new[] { a, b });
        CollectionAssert.AreEqual(new long[] { 2, 64, 64, 3 }, images.shape);
        Assert.AreEqual(2f, images[1, 63, 63, 2].GetSingle());
    }

    [TestMethod]
    public void len_it_becomes_it_len_property()
    {
        var it = new ImageDataGenerator().flow(Images(100), np.arange(100), batch_size: 32);

        Assert.AreEqual(4, it.len);                 // ceil(100 / 32), as Keras's len(it)
        Assert.IsNotNull(typeof(KerasIterator).GetProperty("len"), "len is a property: `it.len()` does not compile");
        Assert.IsNull(typeof(KerasIterator).GetMethod("len"));
    }

    [TestMethod]
    public void next_it_becomes_it_next()
    {
        var it = new ImageDataGenerator().flow(Images(10), np.arange(10), batch_size: 4, shuffle: false);

        var (X, y) = it.next();
        var (_, y2) = it.next();
        var (_, y3) = it.next();
        var (_, y4) = it.next();                    // next() goes on into the next epoch, as Keras's next(it)

        CollectionAssert.AreEqual(new long[] { 4, 8, 8, 3 }, X.shape);
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3 }, y.ToArray<long>());
        CollectionAssert.AreEqual(new long[] { 4, 5, 6, 7 }, y2.ToArray<long>());
        CollectionAssert.AreEqual(new long[] { 8, 9 }, y3.ToArray<long>());
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3 }, y4.ToArray<long>());
    }

    [TestMethod]
    public void zoom_range_list_becomes_tuple_or_array()
    {
        var fromTuple = new ImageDataGenerator(zoom_range: (0.8, 1.2));
        var fromArray = new ImageDataGenerator(zoom_range: new[] { 0.8, 1.2 });
        var fromScalar = new ImageDataGenerator(zoom_range: 0.2);

        CollectionAssert.AreEqual(new[] { 0.8, 1.2 }, fromTuple.zoom_range);
        CollectionAssert.AreEqual(fromTuple.zoom_range, fromArray.zoom_range);
        Assert.AreEqual(0.8, fromScalar.zoom_range[0], 1e-12);
        Assert.AreEqual(1.2, fromScalar.zoom_range[1], 1e-12);
    }

    [TestMethod]
    public void data_gen_args_reused_becomes_a_factory()
    {
        // data_gen_args = dict(rotation_range=90, width_shift_range=0.1, height_shift_range=0.1, zoom_range=0.2)
        static ImageDataGenerator data_gen() => new(rotation_range: 90, width_shift_range: 0.1, height_shift_range: 0.1, zoom_range: 0.2);
        var image_datagen = data_gen();
        var mask_datagen = data_gen();

        Assert.AreNotSame(image_datagen, mask_datagen);
        var t1 = image_datagen.get_random_transform(new[] { 8, 8, 3 }, seed: 1);
        var t2 = mask_datagen.get_random_transform(new[] { 8, 8, 1 }, seed: 1);
        CollectionAssert.AreEquivalent(t1.ToList(), t2.ToList(), "same arguments and seed: the same transform for image and mask");
    }

    [TestMethod]
    public void it_i_0_becomes_x()
    {
        var it = new ImageDataGenerator().flow(Images(10), np.arange(10), batch_size: 4, shuffle: false);

        var x = it[1].x;                            // Keras: it[1][0]
        var y = it[1].y!;                           // Keras: it[1][1]

        CollectionAssert.AreEqual(new long[] { 4, 8, 8, 3 }, x.shape);
        CollectionAssert.AreEqual(new long[] { 4, 5, 6, 7 }, y.ToArray<long>());
    }

    [TestMethod]
    public void astype_string_becomes_astype_np_float32()
    {
        var x = np.arange(6).reshape(2, 3);

        var f = x.astype(np.float32);               // Keras: x.astype('float32')

        Assert.AreEqual(typeof(float), f.dtype);
        Assert.AreEqual(NPTypeCode.Single, f.typecode);
        CollectionAssert.AreEqual(new float[] { 0, 1, 2, 3, 4, 5 }, f.ToArray<float>());
    }

    [TestMethod]
    public void np_load_returns_object_so_cast_it()
    {
        string path = Path.Combine(Path.GetTempPath(), $"porting-{Guid.NewGuid():N}.npy");
        try
        {
            np.save(path, np.arange(12).reshape(3, 4));

            var x = (NDArray)np.load(path);          // Keras: x = np.load('x.npy')
            var same = np.load_npy(path);            // typed, no cast

            CollectionAssert.AreEqual(new long[] { 3, 4 }, x.shape);
            Assert.IsTrue(np.array_equal(x, same));
            Assert.AreEqual(11, x[2, 3].GetInt32());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void mean_over_several_axes()
    {
        var expected = PortingFixture.Doubles(PortingFixture.Get("mean").GetProperty("per_channel_float64"));
        var x = new NDArray(PortingFixture.SplitMixData(), new Shape(1000, 30, 30, 3));

        // Keras: x.mean(axis=(0, 1, 2)); NumSharp's mean takes one axis: fold the others into it, in float64.
        var mean = x.reshape(-1, 3).astype(np.float64).mean(0);

        var actual = mean.ToArray<double>();
        for (int c = 0; c < 3; c++)
        {
            Assert.AreEqual(expected[c], actual[c], 1e-12, $"channel {c}");
        }
    }

    [TestMethod]
    public void float32_mean_of_a_strided_slice_loses_precision_so_use_float64()
    {
        var fixture = PortingFixture.Get("mean");
        double numpyFloat32 = fixture.GetProperty("channel0_float32").GetDouble();
        double exact = fixture.GetProperty("channel0_float64").GetDouble();
        var x = new NDArray(PortingFixture.SplitMixData(), new Shape(1000, 30, 30, 3));
        var channel = x[":, :, :, 0"];              // Keras: x[..., 0], a strided view of 900,000 values

        double naive = channel.mean().GetSingle();
        double safe = channel.astype(np.float64).mean().GetDouble();
        double contiguous = np.ascontiguousarray(channel).mean().GetSingle();

        Assert.IsLessThan(1e-6, Math.Abs(numpyFloat32 - exact), "numpy's float32 mean is within float32 rounding");
        Assert.AreEqual(exact, safe, 1e-12, "astype(np.float64).mean() is exact");
        Assert.AreEqual(exact, contiguous, 1e-6, "a contiguous copy sums accurately");
        Assert.IsGreaterThan(5e-6, Math.Abs(naive - exact),
            $"NumSharp's float32 mean over a strided slice was {naive}, {Math.Abs(naive - exact):E2} off; if this fails NumSharp fixed it: update docs/porting.md");
    }

    [TestMethod]
    public void np_unique_returns_a_result_object()
    {
        var fixture = PortingFixture.Get("unique");
        var y = np.array(PortingFixture.Longs(fixture.GetProperty("y")));

        var (values, counts) = np.unique(y, return_counts: true);   // Keras: values, counts = np.unique(y, return_counts=True)
        NDArray classes = np.unique(y);                               // Keras: classes = np.unique(y)
        var all = np.unique(y, return_index: true, return_inverse: true, return_counts: true);

        CollectionAssert.AreEqual(PortingFixture.Longs(fixture.GetProperty("values")), values.ToArray<long>());
        CollectionAssert.AreEqual(PortingFixture.Longs(fixture.GetProperty("counts")), counts.astype(np.int64).ToArray<long>());
        CollectionAssert.AreEqual(PortingFixture.Longs(fixture.GetProperty("values")), classes.ToArray<long>());
        CollectionAssert.AreEqual(PortingFixture.Longs(fixture.GetProperty("index")), all.indices!.astype(np.int64).ToArray<long>());
        CollectionAssert.AreEqual(PortingFixture.Longs(fixture.GetProperty("inverse")), all.inverse_indices!.astype(np.int64).ToArray<long>());
        // The pitfall: on the result object, [0] is the first OUTPUT (the values), not the first unique value.
        Assert.IsTrue(np.array_equal(np.unique(y)[0], values));
        Assert.AreEqual(1L, np.unique(y).values[0].GetInt64());
    }

    [TestMethod]
    public void read_csv_dtype_str_becomes_LoadCsv_dataTypes()
    {
        var fixture = PortingFixture.Get("read_csv");
        string csv = fixture.GetProperty("csv").GetString()!;
        string path = Path.Combine(Path.GetTempPath(), $"porting-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        try
        {
            // Keras: pd.read_csv('labels.csv') guesses numbers, so '001' becomes 1 (pandas: int64, LoadCsv: float32).
            var guessed = DataFrame.LoadCsv(path);
            Assert.AreEqual(typeof(float), guessed["id"].DataType);
            Assert.ThrowsExactly<InvalidCastException>(() => guessed["id"].Cast<string>().ToArray());

            // Keras: pd.read_csv('labels.csv', dtype=str)
            var df = DataFrame.LoadCsv(path, dataTypes: new[] { typeof(string), typeof(string) });

            CollectionAssert.AreEqual(
                fixture.GetProperty("ids_str").EnumerateArray().Select(e => e.GetString()).ToArray(),
                df["id"].Cast<string>().ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void df_values_becomes_NDArray()
    {
        var fixture = PortingFixture.Get("read_csv");
        string path = Path.Combine(Path.GetTempPath(), $"porting-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, fixture.GetProperty("csv").GetString()!);
        try
        {
            var df = DataFrame.LoadCsv(path, dataTypes: new[] { typeof(long), typeof(long) });

            var labels = np.array(df["label"].Cast<long>().ToArray());                                   // df['label'].values
            var matrix = np.stack(new[] { "id", "label" }.Select(c => np.array(df[c].Cast<long>().ToArray())).ToArray(), axis: 1); // df[['id', 'label']].values

            CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, labels.ToArray<long>());
            Assert.AreEqual(fixture.GetProperty("values_dtype").GetString(), matrix.dtype == typeof(long) ? "int64" : matrix.dtype.Name);
            CollectionAssert.AreEqual(new long[] { 3, 2 }, matrix.shape);
            CollectionAssert.AreEqual(PortingFixture.Flat(fixture.GetProperty("values_matrix")), matrix.ToArray<long>().Select(v => (double)v).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void zip_gen1_gen2_endless_becomes_a_loop()
    {
        static ImageDataGenerator data_gen() => new(rotation_range: 90, width_shift_range: 0.1, height_shift_range: 0.1, zoom_range: 0.2);
        var images = Images(10);
        var masks = images.copy();
        const int seed = 1;
        var image_generator = data_gen().flow(images, batch_size: 4, seed: seed);
        var mask_generator = data_gen().flow(masks, batch_size: 4, seed: seed);

        // Keras: train_generator = zip(image_generator, mask_generator), endless; here an iterator that never ends.
        int steps = 0;
        foreach (var (x, mask) in Zip(image_generator, mask_generator).Take(2 * image_generator.len))
        {
            Assert.IsTrue(np.array_equal(x, mask), $"step {steps}: the image and its mask got the same transform");
            steps++;
        }

        Assert.AreEqual(6, steps, "two epochs of three batches: the loop went on past the first epoch");
        Assert.AreEqual(2, image_generator.total_batches_seen / image_generator.len);
    }

    [TestMethod]
    public void itertools_tee_becomes_the_same_seed_or_an_index()
    {
        var datagen = new ImageDataGenerator(rotation_range: 30, horizontal_flip: true);
        var x = Images(10);
        var y = np.arange(10);

        // Keras: a, b = itertools.tee(datagen.flow(x, y, seed=1))
        var a = datagen.flow(x, y, batch_size: 4, seed: 1);
        var b = datagen.flow(x, y, batch_size: 4, seed: 1);
        for (int i = 0; i < 5; i++)
        {
            var (xa, ya) = a.next();
            var (xb, yb) = b.next();
            Assert.IsTrue(np.array_equal(xa, xb) && np.array_equal(ya, yb), $"batch {i}");
        }

        // Or read one iterator's batch twice by index: it[i] does not move the iterator and is the same batch.
        Assert.IsTrue(np.array_equal(a[1].x, a[1].x));
    }

    [TestMethod]
    public void python_division_vs_csharp_division()
    {
        var fixture = PortingFixture.Get("division");

        int zero = 1 / 255;                             // C#'s int / int truncates toward zero
        double third = 7 / 2;                           // an int quotient, then widened: 3, not 3.5
        double rescale = 1.0 / 255;                     // Python's 1 / 255
        int floorDiv = (int)Math.Floor(-7 / 2.0);       // Python's -7 // 2
        int pythonMod = ((-7 % 2) + 2) % 2;             // Python's -7 % 2 (the divisor's sign)

        Assert.AreEqual(fixture.GetProperty("1/255").GetDouble(), rescale);
        Assert.AreNotEqual(fixture.GetProperty("1/255").GetDouble(), zero);
        Assert.AreEqual(3.0, third);
        Assert.AreEqual(fixture.GetProperty("7//2").GetInt32(), Truncated(7, 2));
        Assert.AreEqual(fixture.GetProperty("-7//2").GetInt32(), floorDiv);
        Assert.AreNotEqual(fixture.GetProperty("-7//2").GetInt32(), Truncated(-7, 2), "C#'s / truncates toward zero");
        Assert.AreEqual(fixture.GetProperty("-7%2").GetInt32(), pythonMod);
    }

    [TestMethod]
    public void rescale_1_over_255_is_integer_division()
    {
        var x = np.full(new Shape(4, 8, 8, 3), 200f, np.float32);

#pragma warning disable IDE0047 // the checklist's pitfall, written as a user would
        var wrong = new ImageDataGenerator(rescale: 1 / 255);
#pragma warning restore IDE0047
        var right = new ImageDataGenerator(rescale: 1.0 / 255);

        Assert.IsNull(wrong.rescale, "1 / 255 is 0, and rescale=0 means no rescaling (Keras's `if self.rescale:`)");
        Assert.AreEqual(200f, wrong.flow(x, shuffle: false).next().x.max().GetSingle(), "no error: the images just stay 0..255");
        Assert.AreEqual(200f / 255, right.flow(x, shuffle: false).next().x.max().GetSingle(), 1e-6);
    }

    [TestMethod]
    public unsafe void batches_not_disposed_are_never_reused()
    {
        var it = new ImageDataGenerator().flow(Images(8), batch_size: 4, shuffle: false);

        var kept = it.next();
        var before = kept.x.ToArray<float>();
        var next = it.next();
        nint keptAddress = (nint)kept.x.Unsafe.Address, nextAddress = (nint)next.x.Unsafe.Address;
        Assert.AreNotEqual(keptAddress, nextAddress, "an undisposed batch keeps its own memory");
        CollectionAssert.AreEqual(before, kept.x.ToArray<float>(), "and is never written to again");

        kept.Dispose();
        next.Dispose();
        using var reused = it.next();
        nint reusedAddress = (nint)reused.x.Unsafe.Address;
        Assert.IsTrue(reusedAddress == keptAddress || reusedAddress == nextAddress, "a disposed batch's memory serves a later batch");
    }

    private static int Truncated(int a, int b) => a / b;

    private static IEnumerable<(NDArray x, NDArray mask)> Zip(KerasIterator images, KerasIterator masks)
    {
        while (true)
        {
            yield return (images.next(), masks.next());
        }
    }
}
