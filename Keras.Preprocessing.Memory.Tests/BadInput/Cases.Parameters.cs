using Microsoft.Data.Analysis;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

internal static partial class BadInputCases
{
    private const string P = "parameters";

    private static IEnumerable<BadCase> Parameters()
    {
        // The generator's arguments: Keras's ValueError becomes ArgumentException naming the parameter.
        yield return Err<ArgumentException>(P, "validation_split 1.0", "validation_split", () => _ = new ImageDataGenerator(validation_split: 1.0), "between 0 and 1");
        yield return Err<ArgumentException>(P, "validation_split negative", "validation_split", () => _ = new ImageDataGenerator(validation_split: -0.1), "between 0 and 1");
        yield return Err<ArgumentException>(P, "validation_split NaN", "validation_split", () => _ = new ImageDataGenerator(validation_split: double.NaN), "between 0 and 1");
        yield return Err<ArgumentException>(P, "fill_mode unknown", "fill_mode", () => _ = new ImageDataGenerator(fill_mode: "mirrored"), "\"grid-mirror\"");
        yield return Err<ArgumentException>(P, "fill_mode empty", "fill_mode", () => _ = new ImageDataGenerator(fill_mode: ""));
        yield return Err<ArgumentException>(P, "data_format NHWC", "data_format", () => _ = new ImageDataGenerator(data_format: "NHWC"), "channels_last");
        yield return Err<ArgumentException>(P, "brightness_range of one value", "brightness_range", () => _ = new ImageDataGenerator(brightness_range: new[] { 0.5 }), "two floats");
        yield return Err<ArgumentException>(P, "brightness_range of three values", "brightness_range", () => _ = new ImageDataGenerator(brightness_range: new[] { 0.5, 1.0, 1.5 }), "two floats");
        yield return Err<ArgumentException>(P, "interpolation_order 6", "interpolation_order", () => _ = new ImageDataGenerator(interpolation_order: 6), "range 0-5");
        yield return Err<ArgumentException>(P, "interpolation_order negative", "interpolation_order", () => _ = new ImageDataGenerator(interpolation_order: -1));
        yield return Err<ArgumentException>(P, "dtype complex64 (NumSharp has no complex batches)", "dtype", () => _ = new ImageDataGenerator(dtype: "complex64"), "numeric numpy dtype");
        yield return Ok(P, "dtype int8 gives int8 batches", () =>
        {
            using var it = new ImageDataGenerator(dtype: "int8").flow(Images(), batch_size: 2, shuffle: false);
            using var batch = it.next();
            Assert.AreEqual(NPTypeCode.SByte, batch.x.typecode);
        });
        yield return Err<ArgumentException>(P, "dtype uint8 with rescale (numpy refuses the in-place multiply)", "dtype", () =>
        {
            using var it = new ImageDataGenerator(dtype: "uint8", rescale: 1.0 / 255).flow(Images(), batch_size: 2);
            using var batch = it.next();
        }, "UFuncTypeError");
        yield return Ok(P, "rotation_range negative (Keras: uniform(-r, r), the same distribution)", () => _ = new ImageDataGenerator(rotation_range: -5));
        yield return Ok(P, "shear_range negative", () => _ = new ImageDataGenerator(shear_range: -5));
        yield return Ok(P, "channel_shift_range negative", () => _ = new ImageDataGenerator(channel_shift_range: -5));
        yield return Warn(P, "rescale 0 (C#'s 1 / 255)", "integer division", () => _ = new ImageDataGenerator(rescale: 1 / 255));
        yield return Err<ArgumentException>(P, "rotation_range NaN", "rotation_range", () => _ = new ImageDataGenerator(rotation_range: double.NaN));
        yield return Err<ArgumentException>(P, "rotation_range infinite", "rotation_range", () => _ = new ImageDataGenerator(rotation_range: double.PositiveInfinity));
        yield return Ok(P, "width_shift_range negative float is Keras's uniform(-r, r)", () =>
        {
            var draws = Enumerable.Range(0, 200).Select(s => (double)new ImageDataGenerator(width_shift_range: -0.1).get_random_transform([10, 20, 3], s)["ty"]!).ToArray();
            Assert.IsTrue(draws.All(v => Math.Abs(v) <= 2) && draws.Min() < -1 && draws.Max() > 1, "within 0.1 of the width, both signs");
        });
        yield return Ok(P, "height_shift_range negative int falls back to Keras's uniform fraction", () =>
        {
            // numpy's choice(-2) raises ValueError, so Keras draws uniform(2, -2), a fraction (< 1) of the height.
            var draws = Enumerable.Range(0, 200).Select(s => (double)new ImageDataGenerator(height_shift_range: -2).get_random_transform([10, 20, 3], s)["tx"]!).ToArray();
            Assert.IsTrue(draws.All(v => Math.Abs(v) <= 20) && draws.Max() > 10 && draws.Min() < -10 && draws.Any(v => v != Math.Round(v)));
        });
        yield return Err<ArgumentException>(P, "height_shift_range NaN", "height_shift_range", () => _ = new ImageDataGenerator(height_shift_range: double.NaN));
        yield return Err<ArgumentException>(P, "zoom_range of three values", "zoom_range", () => _ = new ImageDataGenerator(zoom_range: new[] { 0.5, 1.0, 1.5 }), "two floats");
        yield return Err<ArgumentException>(P, "zoom_range NaN", "zoom_range", () => _ = new ImageDataGenerator(zoom_range: double.NaN));
        yield return Err<ArgumentException>(P, "shear_range NaN", "shear_range", () => _ = new ImageDataGenerator(shear_range: double.NaN));
        yield return Err<ArgumentException>(P, "channel_shift_range NaN", "channel_shift_range", () => _ = new ImageDataGenerator(channel_shift_range: double.NaN));
        yield return Err<ArgumentException>(P, "cval NaN", "cval", () => _ = new ImageDataGenerator(cval: double.NaN), "finite");
        yield return Err<ArgumentException>(P, "rescale NaN", "rescale", () => _ = new ImageDataGenerator(rescale: double.NaN), "finite");
        yield return Err<ArgumentException>(P, "rescale infinite", "rescale", () => _ = new ImageDataGenerator(rescale: double.PositiveInfinity), "finite");
        yield return Err<ArgumentException>(P, "zca_epsilon negative", "zca_epsilon", () => _ = new ImageDataGenerator(zca_epsilon: -1), "non-negative");
        yield return Warn(P, "zca_whitening implies featurewise_center", "overrides setting of `featurewise_center`", () => _ = new ImageDataGenerator(zca_whitening: true));
        yield return Warn(P, "featurewise_std_normalization implies featurewise_center", "`featurewise_std_normalization`, which overrides setting of `featurewise_center`", () => _ = new ImageDataGenerator(featurewise_std_normalization: true));
        yield return Warn(P, "samplewise_std_normalization implies samplewise_center", "overrides setting of `samplewise_center`", () => _ = new ImageDataGenerator(samplewise_std_normalization: true));

        // flow's arguments.
        var g = new ImageDataGenerator();
        var x = Images();
        yield return Err<ArgumentException>(P, "flow batch_size 0", "batch_size", () => g.flow(x, batch_size: 0), "positive");
        yield return Err<ArgumentException>(P, "flow batch_size negative", "batch_size", () => g.flow(x, batch_size: -3), "positive");
        yield return Err<ArgumentException>(P, "flow prefetch negative", "prefetch", () => g.flow(x, prefetch: -1), "prefetch");
        yield return Err<ArgumentException>(P, "flow num_shards 0", "num_shards", () => g.flow(x, num_shards: 0, seed: 1), "positive");
        yield return Err<ArgumentException>(P, "flow shard_index past num_shards", "shard_index", () => g.flow(x, num_shards: 2, shard_index: 2, seed: 1), "[0, 2)");
        yield return Err<ArgumentException>(P, "flow shard_index negative", "shard_index", () => g.flow(x, num_shards: 2, shard_index: -1, seed: 1));
        yield return Err<ArgumentException>(P, "flow shards shuffled without a seed", "seed", () => g.flow(x, num_shards: 2), "seed");
        yield return Err<ArgumentException>(P, "flow more shards than samples", "num_shards", () => g.flow(x, num_shards: 5, seed: 1), "at least one sample");
        yield return Err<ArgumentException>(P, "flow subset without validation_split", "subset", () => g.flow(x, subset: "training"), "validation_split");
        yield return Err<ArgumentException>(P, "flow subset misspelled", "subset", () => new ImageDataGenerator(validation_split: 0.5).flow(x, subset: "test"), "Invalid subset name");
        yield return Err<ArgumentException>(P, "flow device tpu", "device", () => g.flow(x, device: "tpu"));
        yield return Ok(P, "flow batch_size larger than the data serves one short batch", () =>
        {
            using var it = g.flow(x, batch_size: 1000);
            Assert.AreEqual(1, it.len);
            using var batch = it.next();
            Assert.AreEqual(4, batch.Count);
        });
        yield return Ok(P, "flow negative seed is a seed", () =>
        {
            using var a = new ImageDataGenerator(rotation_range: 10).flow(x, seed: -7);
            using var b = new ImageDataGenerator(rotation_range: 10).flow(x, seed: -7);
            CollectionAssert.AreEqual(a.next().x.ToArray<float>(), b.next().x.ToArray<float>());
        });

        // flow_from_dataframe / flow_from_directory arguments.
        var ws = Workspace.Shared;
        DataFrame Df(params string[] files) => new(
            new StringDataFrameColumn("filename", files),
            new StringDataFrameColumn("class", files.Select((_, i) => i % 2 == 0 ? "a" : "b")));
        yield return Err<ArgumentNullException>(P, "flow_from_dataframe null dataframe", "dataframe", () => g.flow_from_dataframe(null!));
        yield return Err<ArgumentException>(P, "flow_from_dataframe x_col missing", "x_col", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, x_col: "path"), "path");
        yield return Err<ArgumentException>(P, "flow_from_dataframe y_col missing", "y_col", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, y_col: "label"), "label");
        // Keras raises TypeError for a list of y columns with a class mode; we used to read the first column only.
        yield return Err<ArgumentException>(P, "flow_from_dataframe categorical with a y_col list", "y_col", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, y_col: new[] { "class" }), "y_col=\"['class']\" column values must be type string, list or tuple");
        yield return Err<ArgumentException>(P, "flow_from_dataframe sparse with a y_col list", "y_col", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, y_col: new[] { "class", "filename" }, class_mode: "sparse"), "must be strings");
        yield return Err<ArgumentException>(P, "flow_from_dataframe weight_col missing", "weight_col", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, weight_col: "w"), "w");
        yield return Err<ArgumentException>(P, "flow_from_dataframe class_mode unknown", "class_mode", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, class_mode: "onehot"), "onehot");
        yield return Err<ArgumentException>(P, "flow_from_dataframe color_mode cmyk", "color_mode", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, color_mode: "cmyk"), "cmyk");
        yield return Err<ArgumentException>(P, "flow_from_dataframe interpolation unknown", "interpolation", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, interpolation: "magic"), "magic");
        yield return Err<ArgumentException>(P, "flow_from_dataframe target_size zero", "target_size", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, target_size: (0, 4)));
        yield return Err<ArgumentException>(P, "flow_from_dataframe target_size beyond addressable", "target_size", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, target_size: (100_000, 100_000)), "at most");
        yield return Err<DirectoryNotFoundException>(P, "flow_from_dataframe directory missing", null, () => g.flow_from_dataframe(Df("good_0.png"), Path.Combine(ws.Root, "no_such_dir")));
        yield return Err<ArgumentException>(P, "flow_from_dataframe batch_size 0", "batch_size", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, batch_size: 0));
        yield return Err<ArgumentException>(P, "flow_from_dataframe subset without validation_split", "subset", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, subset: "training"));
        yield return Err<ArgumentException>(P, "flow_from_dataframe gpu without cache", "device", () => g.flow_from_dataframe(Df("good_0.png"), ws.Images, device: "gpu"), "cache");
        yield return Err<DirectoryNotFoundException>(P, "flow_from_directory missing directory", null, () => g.flow_from_directory(Path.Combine(ws.Root, "nope")));
        yield return Err<DirectoryNotFoundException>(P, "flow_from_directory class folder missing", null, () => g.flow_from_directory(ws.Classes, classes: ["cat", "cow"]), "cow");
        yield return Err<ArgumentException>(P, "flow_from_directory class_mode unknown", "class_mode", () => g.flow_from_directory(ws.Classes, class_mode: "onehot"));
        // Keras lists the folder twice and then indexes past the one-hot row (IndexError) at the first batch.
        yield return Err<ArgumentException>(P, "flow_from_directory classes listed twice", "classes", () => g.flow_from_directory(ws.Classes, classes: ["cat", "cat"]), "more than once");
    }
}
