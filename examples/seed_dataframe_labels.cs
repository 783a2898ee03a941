#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
// Seed script 2 of the three this project was built from, verbatim. The Python original, line by line:
//
//   import numpy as np
//   import pandas as pd
//   from keras.utils import to_categorical
//   from keras.preprocessing.image import ImageDataGenerator
//
//   df = pd.DataFrame({'id': [f'image_{i}.png' for i in range(1000)],
//                      'label': np.random.randint(0, 3, size=1000)})
//   images = np.random.rand(len(df), 64, 64, 3)
//   labels = to_categorical(df['label'])
//
//   datagen = ImageDataGenerator(rotation_range=30, zoom_range=0.2, horizontal_flip=True, fill_mode='nearest')
//   data_flow = datagen.flow(images, labels, shuffle=True)
//
//   X_batch, y_batch = next(data_flow)
//   print('X_batch shape:', X_batch.shape)        # X_batch shape: (32, 64, 64, 3)
//   print('y_batch shape:', y_batch.shape)        # y_batch shape: (32, 3)
//
// NumSharp writes a one-element shape as (32) where Python writes the tuple (32,).
// The shapes in the comments are what keras_preprocessing 1.1.0 prints (flow's default batch_size is 32).
// `--smoke` (what CI passes) runs the script only; without it the program also prints the first ids of the
// batch, looked up through the batch's index_array.
using Keras.Preprocessing.Memory;
using Microsoft.Data.Analysis;
using NumSharp;
using static Keras.Preprocessing.Memory.KerasUtils;

var df = new DataFrame(
    new StringDataFrameColumn("id", Enumerable.Range(0, 1000).Select(i => $"image_{i}.png")),
    new PrimitiveDataFrameColumn<int>("label", np.random.randint(0, 3, new Shape(1000)).ToArray<int>()));
var images = np.random.rand((int)df.Rows.Count, 64, 64, 3);   // float64, as numpy's rand; batches come out float32
var labels = to_categorical(df["label"]);

var datagen = new ImageDataGenerator(rotation_range: 30, zoom_range: 0.2, horizontal_flip: true, fill_mode: "nearest");
var data_flow = datagen.flow(images, labels, shuffle: true);

var batch = data_flow.next();
var (X_batch, y_batch) = batch;
Console.WriteLine($"X_batch shape: {X_batch.Shape}");
Console.WriteLine($"y_batch shape: {y_batch.Shape}");

if (!args.Contains("--smoke"))
{
    // Keras hides which rows a shuffled batch holds; here the batch says (index_array), so ids can follow it.
    Console.WriteLine($"first ids: {string.Join(", ", batch.index_array.Take(4).Select(i => df["id"][i]))}");
}
