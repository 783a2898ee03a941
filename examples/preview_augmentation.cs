#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
#:property PublishAot=false

// # What does ImageDataGenerator do to my images?
//
// A notebook in one file: run it with `dotnet run examples/preview_augmentation.cs [out.png]` and read it top to
// bottom, like the Keras tutorial cells it mirrors. It makes a few pictures whose orientation is obvious, configures
// an ImageDataGenerator with the usual Keras arguments, and writes a contact sheet: each row one picture, its
// original first, then what training would see in successive epochs.

using Keras.Preprocessing.Memory;
using NumSharp;

// ## 1. Some images
//
// Three 64×64 RGB pictures, uint8 as a camera or an image folder would give them (flow reads them in place):
// an "F" (mirroring and rotation are easy to spot), an arrow pointing right, and a checkerboard with a red corner.
const int Size = 64;
var pixels = new byte[3 * Size * Size * 3];

void Paint(int image, int row, int col, byte r, byte g, byte b)
{
    int at = (((image * Size) + row) * Size + col) * 3;
    (pixels[at], pixels[at + 1], pixels[at + 2]) = (r, g, b);
}

for (int row = 0; row < Size; row++)
{
    for (int col = 0; col < Size; col++)
    {
        // A soft vertical gradient behind the "F" and the arrow, so brightness and fill are visible too.
        byte shade = (byte)(90 + (row * 2));
        Paint(0, row, col, shade, shade, 200);
        Paint(1, row, col, 230, shade, 120);

        bool inF = (col is >= 18 and < 26 && row is >= 10 and < 54)
            || (row is >= 10 and < 18 && col is >= 18 and < 48)
            || (row is >= 28 and < 35 && col is >= 18 and < 40);
        if (inF)
        {
            Paint(0, row, col, 20, 20, 60);
        }

        bool shaft = row is >= 28 and < 36 && col is >= 10 and < 40;
        bool head = col is >= 40 and < 56 && Math.Abs(row - 32) < 56 - col;
        if (shaft || head)
        {
            Paint(1, row, col, 30, 90, 30);
        }

        bool light = ((row / 8) + (col / 8)) % 2 == 0;
        byte check = light ? (byte)235 : (byte)40;
        Paint(2, row, col, check, check, check);
        if (row < 16 && col < 16)
        {
            Paint(2, row, col, 220, 30, 30);
        }
    }
}

using var x = new NDArray(pixels, new Shape(3, Size, Size, 3));
using var y = KerasUtils.to_categorical(new[] { 0, 1, 2 }, num_classes: 3);
Console.WriteLine($"x: {string.Join("x", x.shape)} {x.dtype.Name}, y: {string.Join("x", y.shape)}");

// ## 2. The generator, with Keras's arguments
//
// The same names and defaults as `keras.preprocessing.image.ImageDataGenerator(...)`.
var datagen = new ImageDataGenerator(
    rotation_range: 25,
    width_shift_range: 0.15,
    height_shift_range: 0.15,
    shear_range: 10,
    zoom_range: 0.2,
    horizontal_flip: true,
    brightness_range: (0.6, 1.4),
    fill_mode: "nearest",
    rescale: 1.0 / 255);

// ## 3. The preview grid
//
// Column 0 is the original; column c is exactly what `datagen.flow(x, seed: 42)` yields for that picture in epoch c − 1.
string path = args.FirstOrDefault(a => !a.StartsWith("--")) ?? Path.Combine("out", "preview_augmentation.png"); // CI passes --smoke
Preview.preview_grid(datagen, x, rows: 3, cols: 6, path: path, seed: 42);
Console.WriteLine($"preview grid: {Path.GetFullPath(path)}");

// ## 4. The same augmentation, batch by batch
//
// What a training loop reads: `X_batch, y_batch = next(it)` in Python, a deconstruction here. The batch also
// hands out plain spans and int shapes for trainers that are not NumSharp-based.
using var it = datagen.flow(x, y, batch_size: 3, seed: 42);
using var batch = it.next();
var (X_batch, y_batch) = batch;
Console.WriteLine($"X_batch: [{string.Join(", ", batch.x_shape)}] {X_batch.dtype.Name}, min {batch.AsSpan().ToArray().Min():F3}, max {batch.AsSpan().ToArray().Max():F3}");
Console.WriteLine($"y_batch: [{string.Join(", ", batch.y_shape!)}], labels of samples {string.Join(", ", batch.index_array)}");

// ## 5. Two data-parallel workers
//
// Each worker passes its rank: the two halves of each epoch are disjoint and together hold every picture once.
using var worker0 = datagen.flow(x, y, batch_size: 2, seed: 42, num_shards: 2, shard_index: 0);
using var worker1 = datagen.flow(x, y, batch_size: 2, seed: 42, num_shards: 2, shard_index: 1);
Console.WriteLine($"worker 0 serves samples [{string.Join(", ", worker0.index_array)}], worker 1 [{string.Join(", ", worker1.index_array)}]");
