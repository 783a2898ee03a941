#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
// Seed script 1 of the three this project was built from, verbatim. The Python original, line by line:
//
//   import numpy as np
//   from keras.preprocessing.image import ImageDataGenerator
//
//   images = np.random.rand(1000, 64, 64, 3).astype('float32')
//   labels = np.random.randint(0, 3, size=(1000,))
//
//   datagen = ImageDataGenerator(rotation_range=20, width_shift_range=0.1, height_shift_range=0.1,
//                                shear_range=0.1, zoom_range=0.1, horizontal_flip=True, fill_mode='nearest')
//   data_flow = datagen.flow(images, labels, batch_size=32)
//
//   X_batch, y_batch = next(data_flow)
//   print('X_batch shape:', X_batch.shape)        # X_batch shape: (32, 64, 64, 3)
//   print('y_batch shape:', y_batch.shape)        # y_batch shape: (32,)
//
// NumSharp writes a one-element shape as (32) where Python writes the tuple (32,).
// The shapes in the comments are what keras_preprocessing 1.1.0 prints. `--smoke` (what CI passes) runs the
// script only; without it the program also walks one whole epoch, as model.fit would.
using Keras.Preprocessing.Memory;
using NumSharp;

var images = np.random.rand(1000, 64, 64, 3).astype(np.float32);
var labels = np.random.randint(0, 3, new Shape(1000));   // NumSharp's randint is int32 where numpy's is int64

var datagen = new ImageDataGenerator(rotation_range: 20, width_shift_range: 0.1, height_shift_range: 0.1,
                                     shear_range: 0.1, zoom_range: 0.1, horizontal_flip: true, fill_mode: "nearest");
var data_flow = datagen.flow(images, labels, batch_size: 32);

var (X_batch, y_batch) = data_flow.next();
Console.WriteLine($"X_batch shape: {X_batch.Shape}");
Console.WriteLine($"y_batch shape: {y_batch.Shape}");

if (!args.Contains("--smoke"))
{
    var watch = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 0; i < data_flow.len; i++)
    {
        using var batch = data_flow.next();       // disposing hands the batch's buffer back for the next one
    }

    Console.WriteLine($"one epoch of {data_flow.len} batches: {watch.Elapsed.TotalSeconds:F2} s");
}
