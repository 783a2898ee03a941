#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
#:property PublishAot=false
// The Python original, line by line:
//
//   import numpy as np
//   import pandas as pd
//   from keras.utils import to_categorical
//   from keras.preprocessing.image import ImageDataGenerator
//
//   images = np.random.randint(0, 256, size=(200, 32, 32, 3), dtype=np.uint8)   # decoded once, kept in memory
//   df = pd.DataFrame({'id': np.random.permutation(200)[:150], 'label': np.random.randint(0, 5, 150)})
//
//   x = images[df['id'].values]
//   y = to_categorical(df['label'], num_classes=5)
//
//   datagen = ImageDataGenerator(rescale=1./255, width_shift_range=0.1, horizontal_flip=True)
//   data_flow = datagen.flow(x, y, batch_size=16, shuffle=True, seed=42)
//
//   X_batch, y_batch = next(data_flow)
//   print(X_batch.shape, X_batch.dtype, y_batch.shape)
using Keras.Preprocessing.Memory;
using Microsoft.Data.Analysis;
using NumSharp;
using static Keras.Preprocessing.Memory.KerasUtils;

var images = np.random.randint(0, 256, new Shape(200, 32, 32, 3)).astype(np.uint8);
var ids = np.random.permutation(200).astype(np.int32).ToArray<int>()[..150];
var df = new DataFrame(
    new PrimitiveDataFrameColumn<int>("id", ids),
    new PrimitiveDataFrameColumn<int>("label", np.random.randint(0, 5, new Shape(150)).astype(np.int32).ToArray<int>()));

var x = images[np.array(df["id"].Cast<int>().ToArray())];
var y = to_categorical(df["label"], num_classes: 5);

var datagen = new ImageDataGenerator(rescale: 1.0 / 255, width_shift_range: 0.1, horizontal_flip: true);
var data_flow = datagen.flow(x, y, batch_size: 16, shuffle: true, seed: 42);

var (X_batch, y_batch) = data_flow.next();
Console.WriteLine($"{X_batch.Shape} {X_batch.dtype.Name} {y_batch.Shape}");
Console.WriteLine($"first label row: [{string.Join(", ", y_batch[0].ToArray<float>())}]");
Console.WriteLine($"pixel range after rescale: {X_batch.min().GetSingle()} .. {X_batch.max().GetSingle()}");
