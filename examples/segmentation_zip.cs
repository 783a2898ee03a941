#:project ../Keras.Preprocessing.Memory/Keras.Preprocessing.Memory.csproj
#:property PublishAot=false
// The Python original, the image+mask example of the Keras documentation:
//
//   data_gen_args = dict(rotation_range=90, width_shift_range=0.1, height_shift_range=0.1, zoom_range=0.2)
//   image_datagen = ImageDataGenerator(**data_gen_args)
//   mask_datagen = ImageDataGenerator(**data_gen_args)
//   seed = 1
//   image_generator = image_datagen.flow(images, batch_size=8, seed=seed)
//   mask_generator = mask_datagen.flow(masks, batch_size=8, seed=seed)
//   train_generator = zip(image_generator, mask_generator)      # endless
//   model.fit(train_generator, steps_per_epoch=4, epochs=3)
//
// zip of two Keras iterators never ends; `foreach` over a KerasIterator walks one epoch, so the endless form is
// `repeat()`, and LINQ's Zip of two of them is Python's zip.
using Keras.Preprocessing.Memory;
using NumSharp;

var images = np.random.rand(20, 64, 64, 3).astype(np.float32);
// The masks: a threshold of the images' first channel, so that the output shows they move together.
var masks = (images[":, :, :, :1"] > 0.5).astype(np.float32);

static ImageDataGenerator data_gen() => new(rotation_range: 90, width_shift_range: 0.1, height_shift_range: 0.1, zoom_range: 0.2);
var image_datagen = data_gen();
var mask_datagen = data_gen();

const int seed = 1;
using var image_generator = image_datagen.flow(images, batch_size: 8, seed: seed);
using var mask_generator = mask_datagen.flow(masks, batch_size: 8, seed: seed);
var train_generator = image_generator.repeat().Zip(mask_generator.repeat());

const int steps_per_epoch = 4, epochs = 3;   // 12 steps: the endless stream walks four epochs of 3 batches (8, 8, 4)
int step = 0;
foreach (var (image, mask) in train_generator.Take(steps_per_epoch * epochs))
{
    using (image)
    using (mask)
    {
        // Same seed, same arguments: each mask got its image's transform (the same samples, the same warp).
        bool sameSamples = image.index_array.SequenceEqual(mask.index_array);
        Console.WriteLine($"step {step++}: images {image.x.Shape}, masks {mask.x.Shape}, same samples: {sameSamples}, epoch {image_generator.epoch}");
    }
}
