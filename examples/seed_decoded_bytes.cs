#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
// Seed script 3 of the three this project was built from, verbatim. The Python original, line by line:
//
//   import numpy as np
//   from keras.preprocessing.image import ImageDataGenerator
//
//   def decode_image_from_bytes(image_bytes):
//       # the application's own decoder: raw RGB bytes in, a 64x64x3 float array out
//       return np.frombuffer(image_bytes, dtype=np.uint8).reshape(64, 64, 3).astype('float32')
//
//   image_bytes_list = [np.random.bytes(64 * 64 * 3) for _ in range(1000)]
//   labels = np.random.randint(0, 3, size=1000)
//   images = np.array([decode_image_from_bytes(b) for b in image_bytes_list])
//
//   datagen = ImageDataGenerator(rotation_range=45, width_shift_range=0.2, height_shift_range=0.2,
//                                shear_range=0.2, zoom_range=0.2, horizontal_flip=True, vertical_flip=True)
//   data_flow = datagen.flow(images, labels, shuffle=True)
//
//   X_batch, y_batch = next(data_flow)
//   print('images shape:', images.shape)          # images shape: (1000, 64, 64, 3)
//   print('X_batch shape:', X_batch.shape)        # X_batch shape: (32, 64, 64, 3)
//   print('y_batch shape:', y_batch.shape)        # y_batch shape: (32,)
//
// NumSharp writes a one-element shape as (32) where Python writes the tuple (32,).
// The shapes in the comments are what keras_preprocessing 1.1.0 prints. `--smoke` (what CI passes) runs the
// script only; without it the program also walks one whole epoch.
using Keras.Preprocessing.Memory;
using NumSharp;

var image_bytes_list = Enumerable.Range(0, 1000).Select(_ => RandomBytes(64 * 64 * 3)).ToList();
var labels = np.random.randint(0, 3, new Shape(1000));
// np.array([...]) of arrays: NumSharp's np.array(NDArray[]) throws NotSupportedException. np.stack joins
// same-shaped arrays along a new first axis, which is what numpy's np.array does with a list of them.
var images = np.stack(image_bytes_list.Select(b => decode_image_from_bytes(b)).ToArray());

var datagen = new ImageDataGenerator(rotation_range: 45, width_shift_range: 0.2, height_shift_range: 0.2,
                                     shear_range: 0.2, zoom_range: 0.2, horizontal_flip: true, vertical_flip: true);
var data_flow = datagen.flow(images, labels, shuffle: true);

var (X_batch, y_batch) = data_flow.next();
Console.WriteLine($"images shape: {images.Shape}");
Console.WriteLine($"X_batch shape: {X_batch.Shape}");
Console.WriteLine($"y_batch shape: {y_batch.Shape}");

if (!args.Contains("--smoke"))
{
    var watch = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 0; i < data_flow.len; i++)
    {
        using var batch = data_flow.next();
    }

    Console.WriteLine($"one epoch of {data_flow.len} batches: {watch.Elapsed.TotalSeconds:F2} s");
}

// The application's own decoder: raw RGB bytes in, a 64x64x3 float32 array out.
static NDArray decode_image_from_bytes(byte[] image_bytes) =>
    np.frombuffer(image_bytes, NPTypeCode.Byte).reshape(64, 64, 3).astype(np.float32);

// np.random.bytes(n)
static byte[] RandomBytes(int n)
{
    var bytes = new byte[n];
    Random.Shared.NextBytes(bytes);
    return bytes;
}
