#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
#:property PublishAot=false
// The Python original, line by line:
//
//   import numpy as np
//   from keras.preprocessing.image import ImageDataGenerator
//
//   images_array = np.random.rand(100, 64, 64, 3).astype('float32')
//   labels_array = np.random.randint(0, 10, size=(100,))
//
//   datagen = ImageDataGenerator(rotation_range=20, width_shift_range=0.1, height_shift_range=0.1,
//                                shear_range=0.1, zoom_range=0.1, horizontal_flip=True, fill_mode='nearest')
//   data_flow = datagen.flow(images_array, labels_array, batch_size=32)
//
//   X_batch, y_batch = next(data_flow)
//   print('X_batch shape:', X_batch.shape)
//   print('y_batch shape:', y_batch.shape)
//   print('batches per epoch:', len(data_flow))
using Keras.Preprocessing.Memory;
using NumSharp;

var images_array = np.random.rand(100, 64, 64, 3).astype(np.float32);
var labels_array = np.random.randint(0, 10, new Shape(100));

var datagen = new ImageDataGenerator(rotation_range: 20, width_shift_range: 0.1, height_shift_range: 0.1,
                                     shear_range: 0.1, zoom_range: 0.1, horizontal_flip: true, fill_mode: "nearest");
var data_flow = datagen.flow(images_array, labels_array, batch_size: 32);

var (X_batch, y_batch) = data_flow.next();
Console.WriteLine($"X_batch shape: {X_batch.Shape}");
Console.WriteLine($"y_batch shape: {y_batch.Shape}");
Console.WriteLine($"batches per epoch: {data_flow.len}");

// One whole epoch, as model.fit would walk it: the last batch is short (100 = 3 x 32 + 4).
foreach (var batch in data_flow)
{
    Console.WriteLine($"  batch of {batch.x.shape[0]}: x {batch.x.Shape}, y {batch.y!.Shape}");
}

// What the augmentation does, before training on it: originals in the first column, augmentations after.
Preview.preview_grid(datagen, images_array, rows: 4, cols: 6, path: Path.Combine("out", "flow_from_arrays_preview.png"), seed: 1);
Console.WriteLine($"preview grid: {Path.GetFullPath(Path.Combine("out", "flow_from_arrays_preview.png"))}");
