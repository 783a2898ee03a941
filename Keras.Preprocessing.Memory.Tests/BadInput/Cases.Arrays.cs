using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

internal static partial class BadInputCases
{
    private const string A = "arrays";

    private static NDArray Images(int n = 4, int rows = 8, int cols = 6, int channels = 3, NPTypeCode dtype = NPTypeCode.Single) =>
        TestData.IndexedImages(n, rows, cols, channels, dtype);

    private static IEnumerable<BadCase> Arrays()
    {
        var g = new ImageDataGenerator();
        yield return Err<ArgumentException>(A, "flow x null", "x", () => g.flow((NDArray)null!), "`x`");
        yield return Err<ArgumentException>(A, "flow x rank 3", "x", () => g.flow(np.zeros(new Shape(10, 8, 6), NPTypeCode.Single)), "rank 4");
        yield return Err<ArgumentException>(A, "flow x rank 5", "x", () => g.flow(np.zeros(new Shape(2, 4, 8, 6, 3), NPTypeCode.Single)), "rank 4");
        yield return Err<ArgumentException>(A, "flow x of strings", "x", () => g.flow(np.zeros(new Shape(4, 8, 8, 3), NPTypeCode.Decimal)), "should hold numbers");
        yield return Err<ArgumentException>(A, "flow x zero rows", "x", () => g.flow(np.zeros(new Shape(4, 0, 8, 3), NPTypeCode.Single)), "at least one row");
        yield return Err<ArgumentException>(A, "flow x zero channels", "x", () => g.flow(np.zeros(new Shape(4, 8, 8, 0), NPTypeCode.Single)), "at least one row, column and channel");
        yield return Warn(A, "flow x channels_first data under channels_last warns as Keras does", "shape (4, 3, 16, 16) (16 channels)", () => g.flow(np.zeros(new Shape(4, 3, 16, 16), NPTypeCode.Single), batch_size: 2).Dispose());
        yield return Warn(A, "flow x with 5 channels", "expected either 1, 3, or 4 channels", () => g.flow(Images(channels: 5), batch_size: 2).Dispose());
        yield return Err<ArgumentException>(A, "flow y shorter than x", "y", () => g.flow(Images(), TestData.Labels(3)), "same length");
        yield return Err<ArgumentException>(A, "flow sample_weight shorter than x", "sample_weight", () => g.flow(Images(), TestData.Labels(4), sample_weight: np.ones(new Shape(3))), "same length");
        yield return Err<ArgumentException>(A, "flow extra input of another length", "x", () => g.flow([Images(), np.zeros(new Shape(3, 2))]), "same length");
        yield return Ok(A, "flow zero images has zero batches", () =>
        {
            using var it = g.flow(np.zeros(new Shape(0, 8, 8, 3), NPTypeCode.Single), batch_size: 4);
            Assert.AreEqual(0, it.len);
        });
        yield return Ok(A, "flow uint8 never modifies the caller's array", () => AssertUnchanged(Images(dtype: NPTypeCode.Byte), new ImageDataGenerator(rotation_range: 30, horizontal_flip: true, samplewise_center: true)));
        yield return Ok(A, "flow float32 never modifies the caller's array", () => AssertUnchanged(Images(), new ImageDataGenerator(zoom_range: 0.3, rescale: 1.0 / 255, samplewise_std_normalization: true)));
        yield return Ok(A, "flow float64 never modifies the caller's array", () => AssertUnchanged(Images(dtype: NPTypeCode.Double), new ImageDataGenerator(channel_shift_range: 20, vertical_flip: true)));
        yield return Ok(A, "flow int16 reads the values", () => AssertSameAsFloat(NPTypeCode.Int16));
        yield return Ok(A, "flow uint16 reads the values", () => AssertSameAsFloat(NPTypeCode.UInt16));
        yield return Ok(A, "flow int32 reads the values", () => AssertSameAsFloat(NPTypeCode.Int32));
        yield return Ok(A, "flow float64 reads the values", () => AssertSameAsFloat(NPTypeCode.Double));
        yield return Ok(A, "flow int64 (np.arange's dtype) reads the values", () => AssertSameAsFloat(NPTypeCode.Int64));
        yield return Ok(A, "flow int8 reads the values", () => AssertSameAsFloat(NPTypeCode.SByte));
        yield return Ok(A, "flow uint32 reads the values", () => AssertSameAsFloat(NPTypeCode.UInt32));
        yield return Ok(A, "flow uint64 reads the values", () => AssertSameAsFloat(NPTypeCode.UInt64));
        yield return Ok(A, "flow float16 reads the values", () => AssertSameAsFloat(NPTypeCode.Half));
        yield return Ok(A, "flow bool reads True as 1", () => AssertSameAsFloat(NPTypeCode.Boolean));
        yield return Ok(A, "flow a transposed (non-contiguous) view", () =>
        {
            using var nchw = Images(channels: 3).transpose([0, 3, 1, 2]);
            using var it = new ImageDataGenerator(data_format: "channels_first").flow(nchw, batch_size: 4, shuffle: false);
            using var batch = it.next();
            CollectionAssert.AreEqual(nchw.astype(NPTypeCode.Single).ToArray<float>(), batch.x.ToArray<float>());
        });
        yield return Ok(A, "flow a strided slice", () =>
        {
            using var x = Images(n: 8);
            using var every2 = x["::2"];
            using var it = g.flow(every2, batch_size: 4, shuffle: false);
            using var batch = it.next();
            CollectionAssert.AreEqual(every2.ToArray<float>(), batch.x.ToArray<float>());
        });
        yield return Ok(A, "flow NaN pixels pass through as Keras's do", () =>
        {
            using var x = Images(n: 2);
            x[0, 0, 0, 0] = float.NaN;
            using var it = g.flow(x, batch_size: 2, shuffle: false);
            using var batch = it.next();
            Assert.IsTrue(float.IsNaN(batch.x.ToArray<float>()[0]));
        });
        yield return Err<ArgumentException>(A, "an image with more than 2^31 elements", "shape", () => _ = new ImageGeometry(70_000, 70_000, 1, DataFormat.ChannelsLast), "at most");
        yield return Err<ArgumentException>(A, "an image shape whose int product wraps to a small number", "shape", () => _ = new ImageGeometry(65_536, 65_536, 4, DataFormat.ChannelsLast), "17179869184 elements");
        yield return Err<ArgumentException>(A, "a batch buffer beyond one array", "batch_size", () => new ImageGeometry(10_000, 10_000, 3, DataFormat.ChannelsLast).ElementsFor(8), "smaller `batch_size`");
        yield return Ok(A, "a batch buffer at the limit is allowed", () => Assert.AreEqual(300_000_000, new ImageGeometry(10_000, 10_000, 3, DataFormat.ChannelsLast).ElementsFor(1)));

        // fit
        yield return Err<ArgumentNullException>(A, "fit x null", "x", () => new ImageDataGenerator(featurewise_center: true).fit(null!));
        yield return Err<ArgumentException>(A, "fit x rank 3", "x", () => new ImageDataGenerator(featurewise_center: true).fit(np.zeros(new Shape(8, 8, 3), NPTypeCode.Single)), "rank 4");
        yield return Err<ArgumentException>(A, "fit on zero images", "x", () => new ImageDataGenerator(featurewise_center: true, featurewise_std_normalization: true).fit(np.zeros(new Shape(0, 8, 8, 3), NPTypeCode.Single)), "at least one image");
        yield return Err<ArgumentException>(A, "fit rounds 0", "rounds", () => new ImageDataGenerator(featurewise_center: true).fit(Images(), augment: true, rounds: 0), "at least 1");
        yield return Warn(A, "fit data with a NaN", "1 NaN", () =>
        {
            using var x = Images();
            x[1, 2, 3, 0] = float.NaN;
            new ImageDataGenerator(featurewise_center: true).fit(x);
        });
        yield return Warn(A, "fit data with an infinity", "1 infinite", () =>
        {
            using var x = Images();
            x[0, 0, 0, 2] = float.PositiveInfinity;
            new ImageDataGenerator(featurewise_std_normalization: true).fit(x);
        });
        yield return Ok(A, "fit on uint8 gives per-channel statistics", () =>
        {
            var gen = new ImageDataGenerator(featurewise_center: true);
            gen.fit(np.full(new Shape(2, 4, 4, 3), (byte)7, NPTypeCode.Byte));
            CollectionAssert.AreEqual(new[] { 7f, 7f, 7f }, gen.mean!.ToArray<float>());
        });
        yield return Warn(A, "standardize before fit warns as Keras does", "hasn't been fit on any training data", () =>
        {
            using var _ = new ImageDataGenerator(featurewise_center: true).standardize(np.ones(new Shape(4, 4, 3), NPTypeCode.Single));
        });

        // to_categorical
        yield return Err<ArgumentException>(A, "to_categorical negative label", "y", () => KerasUtils.to_categorical([0, -1, 2]), "-1");
        yield return Err<ArgumentException>(A, "to_categorical label past num_classes", "y", () => KerasUtils.to_categorical([0, 5], num_classes: 3), "5");
        yield return Ok(A, "to_categorical of no labels", () => Assert.AreEqual(0, KerasUtils.to_categorical(Array.Empty<int>(), num_classes: 3).shape[0]));

        // apply_transform: a value of the wrong type names the key and the expected type.
        var img = np.zeros(new Shape(4, 4, 3), NPTypeCode.Single);
        yield return Err<ArgumentException>(A, "apply_transform theta as text", "transform_parameters", () => g.apply_transform(img, new Dictionary<string, object?> { ["theta"] = "thirty" }), "`theta`", "number");
        yield return Err<ArgumentException>(A, "apply_transform zx as a DateTime", "transform_parameters", () => g.apply_transform(img, new Dictionary<string, object?> { ["zx"] = DateTime.UnixEpoch }), "`zx`", "number");
        yield return Err<ArgumentException>(A, "apply_transform tx as an object", "transform_parameters", () => g.apply_transform(img, new Dictionary<string, object?> { ["tx"] = new object() }), "`tx`", "number");
        yield return Err<ArgumentException>(A, "apply_transform flip_horizontal as text", "transform_parameters", () => g.apply_transform(img, new Dictionary<string, object?> { ["flip_horizontal"] = "yes" }), "`flip_horizontal`", "bool");
        yield return Err<ArgumentException>(A, "apply_transform shear NaN", "transform_parameters", () => g.apply_transform(img, new Dictionary<string, object?> { ["shear"] = double.NaN }), "`shear`", "finite");
        yield return Err<ArgumentException>(A, "apply_transform zy as a char", "transform_parameters", () => g.apply_transform(img, new Dictionary<string, object?> { ["zy"] = 'z' }), "`zy`", "Char");
        yield return Err<ArgumentNullException>(A, "apply_transform null dictionary", "transform_parameters", () => g.apply_transform(img, null!));
        yield return Ok(A, "apply_transform ignores unknown keys as Keras does", () => g.apply_transform(img, new Dictionary<string, object?> { ["not_a_key"] = "x", ["theta"] = 0 }).Dispose());
        yield return Ok(A, "apply_transform numeric text is a number", () => g.apply_transform(img, new Dictionary<string, object?> { ["theta"] = "90" }).Dispose());
    }

    private static void AssertUnchanged(NDArray x, ImageDataGenerator generator)
    {
        var before = x.astype(NPTypeCode.Double).ToArray<double>();
        using (var it = generator.flow(x, batch_size: 3, seed: 1, prefetch: 1))
        {
            for (int i = 0; i < 3; i++)
            {
                using var batch = it.next();
            }
        }

        CollectionAssert.AreEqual(before, x.astype(NPTypeCode.Double).ToArray<double>(), "the caller's array was modified");
    }

    private static void AssertSameAsFloat(NPTypeCode dtype)
    {
        using var x = Images(dtype: dtype);
        using var it = new ImageDataGenerator().flow(x, batch_size: 4, shuffle: false);
        using var batch = it.next();
        CollectionAssert.AreEqual(x.astype(NPTypeCode.Single).ToArray<float>(), batch.x.ToArray<float>());
    }
}
