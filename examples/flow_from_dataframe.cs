#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
#:property PublishAot=false
// The Python original, line by line:
//
//   import pandas as pd
//   from keras.preprocessing.image import ImageDataGenerator
//
//   df = pd.read_csv('images/labels.csv')            # filename,class
//   datagen = ImageDataGenerator(rescale=1./255, rotation_range=20, width_shift_range=0.1,
//                                height_shift_range=0.1, shear_range=0.1, zoom_range=0.1,
//                                horizontal_flip=True)
//   train = datagen.flow_from_dataframe(df, directory='images', x_col='filename', y_col='class',
//                                       target_size=(64, 64), batch_size=32, class_mode='categorical')
//   for epoch in range(2):
//       for i in range(len(train)):
//           X_batch, y_batch = next(train)              # model.train_on_batch(X_batch, y_batch)
//
// Here the images are decoded once into memory (cache: true) with a progress bar, so the second epoch
// never touches the disk. Any arguments (CI passes --smoke) are ignored: the run is small either way.
using System.Diagnostics;
using Keras.Preprocessing.Memory;
using Microsoft.Data.Analysis;
using SkiaSharp;

string images = Directory.CreateTempSubdirectory("flow_from_dataframe-").FullName;
try
{
    WriteImages(images, count: 240);

    var df = DataFrame.LoadCsv(Path.Combine(images, "labels.csv"));
    var datagen = new ImageDataGenerator(rescale: 1.0 / 255, rotation_range: 20, width_shift_range: 0.1,
                                         height_shift_range: 0.1, shear_range: 0.1, zoom_range: 0.1,
                                         horizontal_flip: true);
    var train = datagen.flow_from_dataframe(df, directory: images, x_col: "filename", y_col: "class",
                                            target_size: (64, 64), batch_size: 32, class_mode: "categorical",
                                            cache: true, progress: new ConsoleProgressBar());
    Console.WriteLine($"classes: {string.Join(", ", train.class_indices.Select(p => $"{p.Key}={p.Value}"))}");

    for (int epoch = 0; epoch < 2; epoch++)
    {
        var watch = Stopwatch.StartNew();
        int seen = 0;
        for (int i = 0; i < train.len; i++)
        {
            using var batch = train.next();
            var (X_batch, y_batch) = batch;           // model.train_on_batch(X_batch, y_batch)
            seen += (int)X_batch.shape[0];
        }

        Console.WriteLine($"epoch {epoch + 1}: {seen} images in {watch.Elapsed.TotalSeconds:F2} s ({seen / watch.Elapsed.TotalSeconds:F0} img/s)");
    }
}
finally
{
    Directory.Delete(images, recursive: true);
}

// A stand-in for a folder of photos: PNG and JPEG files of circles, squares and triangles in varied
// sizes, plus the labels.csv Keras users keep next to them.
static void WriteImages(string folder, int count)
{
    string[] shapes = ["circle", "square", "triangle"];
    var lines = new List<string> { "filename,class" };
    var random = new Random(7);
    for (int i = 0; i < count; i++)
    {
        string label = shapes[i % shapes.Length];
        int width = 72 + random.Next(64), height = 72 + random.Next(64);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
        float cx = width / 2f, cy = height / 2f, r = Math.Min(width, height) / 3f;
        switch (label)
        {
            case "circle":
                surface.Canvas.DrawCircle(cx, cy, r, paint);
                break;
            case "square":
                surface.Canvas.DrawRect(cx - r, cy - r, 2 * r, 2 * r, paint);
                break;
            default:
                using (var path = new SKPath())
                {
                    path.MoveTo(cx, cy - r);
                    path.LineTo(cx + r, cy + r);
                    path.LineTo(cx - r, cy + r);
                    path.Close();
                    surface.Canvas.DrawPath(path, paint);
                }

                break;
        }

        bool png = i % 2 == 0;
        string name = $"{label}_{i:D3}.{(png ? "png" : "jpg")}";
        using var image = surface.Snapshot();
        using var encoded = image.Encode(png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(Path.Combine(folder, name), encoded.ToArray());
        lines.Add($"{name},{label}");
    }

    File.WriteAllLines(Path.Combine(folder, "labels.csv"), lines);
}

/// <summary>A one-line console progress bar for the decode; reports arrive from the decoding threads.</summary>
sealed class ConsoleProgressBar : IProgress<DecodeProgress>
{
    private readonly object _gate = new();
    private int _shown = -1;

    public void Report(DecodeProgress value)
    {
        lock (_gate)
        {
            // Reports can arrive out of order from parallel decoders: never move the bar backwards.
            if (value.completed <= _shown)
            {
                return;
            }

            _shown = value.completed;
            int filled = (int)(value.fraction * 30);
            Console.Write($"\rdecoding [{new string('#', filled)}{new string('.', 30 - filled)}] {value.completed}/{value.total} ({value.images_per_second:F0} img/s)");
            if (value.completed == value.total)
            {
                Console.WriteLine();
            }
        }
    }
}
