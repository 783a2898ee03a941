using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

internal static partial class BadInputCases
{
    private const string IO = "image-io";

    private static IEnumerable<BadCase> ImageIoCases()
    {
        var ws = Workspace.Shared;
        yield return Err<FileNotFoundException>(IO, "load_img missing file", null, () => ImageUtils.load_img(ws.Image("missing.png")), "No such file or directory");
        yield return Err<ArgumentNullException>(IO, "load_img null path", "path", () => ImageUtils.load_img(null!));
        yield return Err<ImageDecodeException>(IO, "load_img empty file", null, () => ImageUtils.load_img(ws.Image("empty.png")), "empty.png");
        yield return Err<ImageDecodeException>(IO, "load_img text file", null, () => ImageUtils.load_img(ws.Image("text.png")), "cannot identify image file");
        yield return Err<ImageDecodeException>(IO, "load_img truncated PNG", null, () => ImageUtils.load_img(ws.Image("truncated.png")), "truncated.png");
        yield return Err<UnauthorizedAccessException>(IO, "load_img a directory", null, () => ImageUtils.load_img(ws.Image("folder.png")));
        if (ws.HasFifo)
        {
            yield return Err<FileNotFoundException>(IO, "load_img a FIFO is refused, never opened", null, () => ImageUtils.load_img(ws.Image("fifo.png")), "Not a regular file");
        }

        yield return Err<ArgumentException>(IO, "load_img color_mode cmyk", "color_mode", () => ImageUtils.load_img(ws.Image("good_0.png"), color_mode: "cmyk"), "\"rgb\"");
        yield return Err<ArgumentException>(IO, "load_img interpolation unknown", "interpolation", () => ImageUtils.load_img(ws.Image("good_0.png"), target_size: (2, 2), interpolation: "magic"), "magic");
        yield return Err<ArgumentException>(IO, "load_img target_size zero", "target_size", () => ImageUtils.load_img(ws.Image("good_0.png"), target_size: (0, 2)));
        yield return Err<ImageDecodeException>(IO, "load_img a PNG cut short after its header", null, () => ImageUtils.load_img(ws.Image("cut.png")), "cut.png");
        yield return Ok(IO, "load_img a good image", () => Assert.AreEqual(5, ImageUtils.load_img(ws.Image("good_0.png")).width));
        yield return Err<ArgumentNullException>(IO, "decode_image null", "bytes", () => ImageUtils.decode_image(null!));
        yield return Err<ImageDecodeException>(IO, "decode_image no bytes", null, () => ImageUtils.decode_image([]), "empty");
        yield return Err<ImageDecodeException>(IO, "decode_image random bytes", null, () => ImageUtils.decode_image([1, 2, 3, 4, 5, 6, 7, 8]), "cannot identify image file");
        yield return Err<DecompressionBombException>(IO, "decode_image over max_image_pixels", null, () =>
        {
            long? limit = ImageUtils.max_image_pixels;
            ImageUtils.max_image_pixels = 5;
            try
            {
                ImageUtils.decode_image(File.ReadAllBytes(ws.Image("good_0.png")));
            }
            finally
            {
                ImageUtils.max_image_pixels = limit;
            }
        }, "20");
        yield return Err<ArgumentException>(IO, "array_to_img rank 2", "x", () => ImageUtils.array_to_img(np.zeros(new Shape(4, 4), NPTypeCode.Single)), "rank 3");
        yield return Err<ArgumentException>(IO, "array_to_img rank 4", "x", () => ImageUtils.array_to_img(np.zeros(new Shape(1, 4, 4, 3), NPTypeCode.Single)), "rank 3");
        yield return Err<ArgumentException>(IO, "array_to_img 2 channels", "x", () => ImageUtils.array_to_img(np.zeros(new Shape(4, 4, 2), NPTypeCode.Single)), "channel");
        yield return Err<ArgumentException>(IO, "array_to_img data_format unknown", "data_format", () => ImageUtils.array_to_img(np.zeros(new Shape(4, 4, 3), NPTypeCode.Single), data_format: "NHWC"));
        yield return Err<ArgumentNullException>(IO, "array_to_img null", "x", () => ImageUtils.array_to_img(null!));
        yield return Err<ArgumentException>(IO, "img_to_array dtype unknown", "dtype", () => ImageUtils.img_to_array(ImageUtils.load_img(ws.Image("good_0.png")), dtype: "float7"));
        yield return Err<ArgumentException>(IO, "save_img unknown format", "path", () => ImageUtils.save_img(Path.Combine(ws.NewFolder(), "a.xyz"), np.zeros(new Shape(4, 4, 3), NPTypeCode.Single)), "unknown file extension");
        yield return Err<DirectoryNotFoundException>(IO, "save_img into a missing folder", null, () => ImageUtils.save_img(Path.Combine(ws.Root, "no", "such", "a.png"), np.zeros(new Shape(4, 4, 3), NPTypeCode.Single)));
        yield return Err<ArgumentNullException>(IO, "save_img null path", "path", () => ImageUtils.save_img(null!, np.zeros(new Shape(4, 4, 3), NPTypeCode.Single)));
        yield return Ok(IO, "save_img of a constant image (no range to scale)", () =>
        {
            string path = Path.Combine(ws.NewFolder(), "flat.png");
            ImageUtils.save_img(path, np.full(new Shape(4, 4, 3), 3f, NPTypeCode.Single));
            Assert.AreEqual(4, ImageUtils.load_img(path).height);
        });
        yield return Err<ArgumentException>(IO, "preview_grid rows 0", "rows", () => Preview.preview_grid(new ImageDataGenerator(), Images(), 0, 2, Path.Combine(ws.NewFolder(), "g.png")));
    }
}
