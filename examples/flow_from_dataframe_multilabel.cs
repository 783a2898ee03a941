#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
// A multi-label flow_from_dataframe script (movie genres from posters, as in the multi-label blog posts), line by
// line. The Python original:
//
//   import ast
//   import pandas as pd
//   from keras.preprocessing.image import ImageDataGenerator
//
//   df = pd.read_csv('posters/genres.csv')                 # poster,genres   p0.png,"['Action', 'Drama']"
//   df['genres'] = df['genres'].apply(ast.literal_eval)    # the cells are strings: make them lists
//
//   datagen = ImageDataGenerator(rescale=1./255, horizontal_flip=True)
//   train = datagen.flow_from_dataframe(df, directory='posters', x_col='poster', y_col='genres',
//                                       target_size=(64, 64), class_mode='categorical', batch_size=4,
//                                       shuffle=False)
//   print(train.class_indices)
//   X_batch, y_batch = next(train)
//   print(X_batch.shape, y_batch.shape)
//   print(y_batch)
//
// What keras_preprocessing 1.1.0 prints for this CSV (the one written below):
//
//   Found 8 validated image filenames belonging to 5 classes.
//   {'Action': 0, 'Comedy': 1, 'Drama': 2, 'Horror': 3, 'Romance': 4}
//   (4, 64, 64, 3) (4, 5)
//   [[1. 0. 1. 0. 0.]
//    [0. 1. 0. 0. 0.]
//    [0. 0. 1. 0. 0.]
//    [1. 1. 0. 0. 1.]]
//
// Microsoft.Data.Analysis has no list column: ObjectDataFrameColumn.FromLists is the apply(ast.literal_eval) (and
// the str.split('|') for cells like "Action|Drama"). The targets are multi-hot rows, as in Keras; train with a
// sigmoid output and binary cross-entropy. `--smoke` (what CI passes) changes nothing: the run is small.
using Keras.Preprocessing.Memory;
using Microsoft.Data.Analysis;
using SkiaSharp;

string posters = Directory.CreateTempSubdirectory("posters-").FullName;
try
{
    WritePosters(posters);

    var df = DataFrame.LoadCsv(Path.Combine(posters, "genres.csv"), dataTypes: [typeof(string), typeof(string)]);
    df.Columns["genres"] = ObjectDataFrameColumn.FromLists(df["genres"]);

    var datagen = new ImageDataGenerator(rescale: 1.0 / 255, horizontal_flip: true);
    var train = datagen.flow_from_dataframe(df, directory: posters, x_col: "poster", y_col: "genres",
                                            target_size: (64, 64), class_mode: "categorical", batch_size: 4,
                                            shuffle: false);
    Console.WriteLine($"{{{string.Join(", ", train.class_indices.Select(p => $"'{p.Key}': {p.Value}"))}}}");
    var (X_batch, y_batch) = train.next();
    Console.WriteLine($"{X_batch.Shape} {y_batch.Shape}");
    Console.WriteLine(y_batch.ToString());
}
finally
{
    Directory.Delete(posters, recursive: true);
}

// The CSV as pandas writes a list column (df.to_csv), and a small poster per row.
static void WritePosters(string folder)
{
    File.WriteAllText(Path.Combine(folder, "genres.csv"), """
        poster,genres
        p0.png,"['Action', 'Drama']"
        p1.png,['Comedy']
        p2.png,['Drama']
        p3.png,"['Action', 'Comedy', 'Romance']"
        p4.png,"['Romance', 'Drama']"
        p5.png,['Horror']
        p6.png,"['Comedy', 'Romance']"
        p7.png,['Action']

        """);
    for (int k = 0; k < 8; k++)
    {
        using var bitmap = new SKBitmap(96, 64);
        bitmap.Erase(new SKColor((byte)(30 * k), 100, (byte)(200 - (20 * k))));
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(Path.Combine(folder, $"p{k}.png"), png.ToArray());
    }
}
