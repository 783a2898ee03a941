#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
#:property PublishAot=false
// The Python original, line by line:
//
//   from io import BytesIO
//   import numpy as np
//   from PIL import Image
//   from keras.preprocessing.image import ImageDataGenerator, img_to_array, load_img
//
//   encoded = fetch_png_blobs()                     # e.g. rows of a database: bytes, not files
//   images = np.stack([img_to_array(load_img(BytesIO(b), target_size=(64, 64))) for b in encoded])
//   labels = np.array(shape_labels)
//
//   datagen = ImageDataGenerator(rescale=1./255, rotation_range=15, zoom_range=0.1, horizontal_flip=True)
//   data_flow = datagen.flow(images, labels, batch_size=8)
//   X_batch, y_batch = next(data_flow)
//   print(X_batch.shape, y_batch)
using Keras.Preprocessing.Memory;
using NumSharp;
using SkiaSharp;
using static Keras.Preprocessing.Memory.ImageUtils;

var (encoded, shape_labels) = FetchPngBlobs(count: 24);
var images = np.stack(encoded.Select(b => img_to_array(decode_image(b, target_size: (64, 64)))).ToArray());
var labels = np.array(shape_labels);

var datagen = new ImageDataGenerator(rescale: 1.0 / 255, rotation_range: 15, zoom_range: 0.1, horizontal_flip: true);
var data_flow = datagen.flow(images, labels, batch_size: 8);
var (X_batch, y_batch) = data_flow.next();
Console.WriteLine($"{X_batch.Shape} [{string.Join(", ", y_batch.ToArray<int>())}]");
Console.WriteLine($"decoded {encoded.Length} PNG blobs ({encoded.Sum(b => b.Length):N0} bytes) into {images.Shape} {images.dtype.Name}");

// Stand-in for a database of encoded images: real PNG bytes of circles (label 0) and squares (label 1),
// drawn at 96x96 so that decode_image's resize to 64x64 has work to do.
static (byte[][] Blobs, int[] Labels) FetchPngBlobs(int count)
{
    var blobs = new byte[count][];
    var labels = new int[count];
    for (int i = 0; i < count; i++)
    {
        using var surface = SKSurface.Create(new SKImageInfo(96, 96, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(new SKColor((byte)(20 * i % 256), 40, 90));
        using var paint = new SKPaint { Color = SKColors.Gold, IsAntialias = true };
        labels[i] = i % 2;
        if (labels[i] == 0)
        {
            surface.Canvas.DrawCircle(48, 48, 20 + (i % 10), paint);
        }
        else
        {
            surface.Canvas.DrawRect(24, 24, 40 + (i % 10), 40 + (i % 10), paint);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        blobs[i] = png.ToArray();
    }

    return (blobs, labels);
}
