// A user's first program, built by .ci/run OUTSIDE the repository against the packed KerasMemory package
// (as a console project and as a file-based program, and with NumSharp 0.81 next to it). It exits non-zero,
// naming the step, when anything a README reader would try does not work.
using System.Runtime.CompilerServices;
using Keras.Preprocessing.Memory;
using Microsoft.Data.Analysis;
using NumSharp;

Check(RuntimeFeature.IsDynamicCodeSupported, "dynamic code is available (file-based programs: PublishAot is off)");
Console.WriteLine($"NumSharp {typeof(NDArray).Assembly.GetName().Version}");

// The README's quick start: flow over float images, then arithmetic on the batch.
using var images_array = np.random.rand(100, 64, 64, 3).astype(np.float32);
using var labels_array = np.random.randint(0, 10, new Shape(100));
var datagen = new ImageDataGenerator(rotation_range: 20, width_shift_range: 0.1, horizontal_flip: true, fill_mode: "nearest");
using (var data_flow = datagen.flow(images_array, labels_array, batch_size: 32, seed: 1))
{
    using var batch = data_flow.next();
    var (X_batch, y_batch) = batch;
    Check(X_batch.shape.SequenceEqual(new long[] { 32, 64, 64, 3 }), $"flow batch shape {X_batch.Shape}");
    using var scaled = X_batch / 255.0;
    using var mean = scaled.mean();
    double m = Scalar(mean);
    Check(m > 0.4 / 255 && m < 0.6 / 255, $"(X_batch / 255.0).mean() = {m}");
    using var onehot = KerasUtils.to_categorical(y_batch, num_classes: 10);
    Check(onehot.shape.SequenceEqual(new long[] { 32, 10 }), $"to_categorical shape {onehot.Shape}");
    using var sums = np.sum(onehot, 1);
    Check(sums.ToArray<float>().All(s => s == 1f), "to_categorical rows sum to 1");
}

// A uint8 dataset stays uint8 on the way in; rescale gives floats in [0, 1].
using (var bytes = np.random.randint(0, 256, new Shape(16, 8, 8, 1)).astype(np.uint8))
using (var it = new ImageDataGenerator(rescale: 1.0 / 255).flow(bytes, batch_size: 8, shuffle: false))
{
    using var batch = it.next();
    using var max = batch.x.max();
    Check(Scalar(max) is > 0.5 and <= 1, $"rescaled uint8 batch max {Scalar(max)}");
}

// device: "auto" never fails: a GPU when there is one, else the CPU with a logged reason.
using (var it = datagen.flow(images_array, labels_array, batch_size: 16, seed: 2, device: "auto"))
{
    using var batch = it.next();
    Check(batch.x.shape[0] == 16, "device: \"auto\" batch");
}

// flow_from_dataframe over image files, labels in a DataFrame.
string folder = Directory.CreateTempSubdirectory("kerasmemory-consumer-").FullName;
try
{
    string[] names = new string[12];
    string[] classes = new string[12];
    for (int i = 0; i < names.Length; i++)
    {
        names[i] = $"img{i}.png";
        classes[i] = i % 2 == 0 ? "cat" : "dog";
        using var pixels = np.random.randint(0, 256, new Shape(20, 24, 3)).astype(np.uint8);
        ImageUtils.save_img(Path.Combine(folder, names[i]), pixels, scale: false);
    }

    var df = new DataFrame(new StringDataFrameColumn("filename", names), new StringDataFrameColumn("class", classes));
    using var files = new ImageDataGenerator(rescale: 1.0 / 255).flow_from_dataframe(
        df, directory: folder, x_col: "filename", y_col: "class", target_size: (16, 16), batch_size: 4, class_mode: "categorical");
    using var batch = files.next();
    var (x, y) = batch;
    Check(x.shape.SequenceEqual(new long[] { 4, 16, 16, 3 }) && y.shape.SequenceEqual(new long[] { 4, 2 }),
        $"flow_from_dataframe shapes {x.Shape} {y.Shape}");
    using var xmean = x.mean();
    Check(Scalar(xmean) is > 0.3 and < 0.7, $"flow_from_dataframe x.mean() = {Scalar(xmean)}");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

Console.WriteLine("consumer: all checks passed");
return 0;

// mean() keeps float32 for float32 input, as numpy does.
static double Scalar(NDArray a) => a.typecode == NPTypeCode.Single ? a.GetSingle() : a.GetDouble();

static void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok)
    {
        Environment.Exit(1);
    }
}
