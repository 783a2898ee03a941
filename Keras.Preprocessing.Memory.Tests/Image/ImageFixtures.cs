using System.Collections.Concurrent;
using System.Text.Json;
using NumSharp;
using NumSharp.IO;

namespace Keras.Preprocessing.Memory.Tests.Image;

/// <summary>One recorded keras_preprocessing <c>load_img</c> + <c>img_to_array</c> call (see generate_images.py).</summary>
internal sealed record FixtureCase(
    string Key, string ColorMode, int[]? TargetSize, string Interpolation, bool KeepAspectRatio, int[] Shape);

/// <summary>A source image and every case recorded for it.</summary>
internal sealed record FixtureImage(string File, string PilMode, string Expected, FixtureCase[] Cases);

/// <summary>One recorded <c>array_to_img</c> call; arrays are in expected/array_to_img.npz as in_/out_ + name.</summary>
internal sealed record ArrayToImgCase(string Name, string DataFormat, bool Scale, string Dtype, string Mode, int[] OutShape);

/// <summary>A JPEG written by Pillow at <paramref name="Quality"/> and read back; pixels in expected/save_jpeg.npz.</summary>
internal sealed record SaveJpegCase(string Name, string Source, string ColorMode, int Quality);

internal sealed record FixtureManifest(string Pillow, FixtureImage[] Images, ArrayToImgCase[] ArrayToImg, SaveJpegCase[] SaveJpeg);

/// <summary>Reads Fixtures/image_io: the manifest, the source images and the expected arrays.</summary>
internal static class ImageFixtures
{
    private static readonly Lazy<FixtureManifest> LazyManifest = new(LoadManifest);
    private static readonly ConcurrentDictionary<string, byte[]> ExpectedCache = new();

    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "image_io");

    public static FixtureManifest Manifest => LazyManifest.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string ImagePath(string name) => Path.Combine(Root, "images", name);

    public static string ArrayToImgArchive => PathOf(Path.Combine("expected", "array_to_img.npz"));

    public static string SaveJpegArchive => PathOf(Path.Combine("expected", "save_jpeg.npz"));

    public static FixtureImage Image(string file) => Manifest.Images.Single(i => i.File == file);

    /// <summary>The expected pixels of one case, flattened in C order.</summary>
    public static byte[] Expected(FixtureImage image, FixtureCase fixtureCase) =>
        ExpectedCache.GetOrAdd(image.Expected + "/" + fixtureCase.Key, _ =>
        {
            using var npz = new NpzFile(PathOf(image.Expected), false, 10_000);
            NDArray array = npz[fixtureCase.Key];
            CollectionAssert.AreEqual(fixtureCase.Shape, array.shape.Select(d => (int)d).ToArray());
            return array.Unsafe.Storage.AsSpan<byte>().ToArray();
        });

    private static FixtureManifest LoadManifest()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        string json = File.ReadAllText(Path.Combine(Root, "manifest.json"));
        return JsonSerializer.Deserialize<FixtureManifest>(json, options)
            ?? throw new InvalidDataException("empty fixture manifest");
    }
}
