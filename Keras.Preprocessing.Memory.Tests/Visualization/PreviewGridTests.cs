using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Visualization;

/// <summary>preview_grid's PNG, checked pixel by pixel.</summary>
[TestClass]
public sealed class PreviewGridTests
{
    private const int H = 5, W = 7, Pad = 2;

    [TestMethod]
    public void HorizontalFlipTilesAreTheOriginalOrItsMirrorAndTheFirstColumnIsTheOriginal()
    {
        using var dir = TestImages.TempDir();
        using var x = TestImages.RandomUInt8(3, H, W, 3, seed: 1);
        string path = dir.File("grid.png");

        Preview.preview_grid(new ImageDataGenerator(horizontal_flip: true), x, rows: 3, cols: 6, path, seed: 11);

        var (width, height, rgba) = TestImages.ReadPng(path);
        Assert.AreEqual((6 * W) + (7 * Pad), width);
        Assert.AreEqual((3 * H) + (4 * Pad), height);
        int mirrored = 0, kept = 0;
        for (int r = 0; r < 3; r++)
        {
            var original = TestImages.ArrayToImg(Image(x, r));
            var mirror = TestImages.Mirror(original, H, W, 3);
            CollectionAssert.AreEqual(original, TileAt(rgba, width, r, 0, 3), $"row {r}: the first column is array_to_img(original)");
            Assert.IsTrue(TileAt(rgba, width, r, 0, 4).Where((_, i) => i % 4 == 3).All(a => a == 255), "RGB tiles are opaque");
            for (int c = 1; c < 6; c++)
            {
                var tile = TileAt(rgba, width, r, c, 3);
                bool isMirror = tile.SequenceEqual(mirror);
                Assert.IsTrue(isMirror || tile.SequenceEqual(original), $"tile ({r}, {c}) is neither the original nor its mirror");
                mirrored += isMirror ? 1 : 0;
                kept += isMirror ? 0 : 1;
            }
        }

        Assert.IsGreaterThan(0, mirrored, "no tile was flipped");
        Assert.IsGreaterThan(0, kept, "every tile was flipped");
        Assert.AreEqual(255, rgba[0], "the gutter is white");
    }

    [TestMethod]
    public void ColumnsShowWhatFlowYieldsEpochByEpoch()
    {
        using var dir = TestImages.TempDir();
        using var x = TestImages.RandomUInt8(2, H, W, 3, seed: 2);
        var generator = new ImageDataGenerator(rotation_range: 40, zoom_range: 0.3, fill_mode: "reflect");
        string path = dir.File("grid.png");

        Preview.preview_grid(generator, x, rows: 2, cols: 4, path, seed: 5);

        var (width, _, rgba) = TestImages.ReadPng(path);
        using var it = generator.flow(x, batch_size: 2, shuffle: false, seed: 5);
        for (int c = 1; c < 4; c++)
        {
            using var batch = it.next();
            var values = batch.AsSpan();
            for (int r = 0; r < 2; r++)
            {
                var expected = TestImages.ArrayToImg(values.Slice(r * H * W * 3, H * W * 3));
                CollectionAssert.AreEqual(expected, TileAt(rgba, width, r, c, 3), $"tile ({r}, {c}) is flow's epoch {c - 1}");
            }
        }
    }

    [TestMethod]
    public void SeedMakesTheGridReproducible()
    {
        using var dir = TestImages.TempDir();
        using var x = TestImages.RandomUInt8(1, H, W, 3, seed: 3);
        var generator = new ImageDataGenerator(rotation_range: 90, width_shift_range: 0.3, brightness_range: (0.5, 1.5));

        Preview.preview_grid(generator, x, 2, 3, dir.File("a.png"), seed: 8);
        Preview.preview_grid(generator, x, 2, 3, dir.File("b.png"), seed: 8);
        Preview.preview_grid(generator, x, 2, 3, dir.File("c.png"), seed: 9);

        var a = TestImages.ReadPng(dir.File("a.png")).Rgba;
        CollectionAssert.AreEqual(a, TestImages.ReadPng(dir.File("b.png")).Rgba);
        CollectionAssert.AreNotEqual(a, TestImages.ReadPng(dir.File("c.png")).Rgba);
        var (width, _, _) = TestImages.ReadPng(dir.File("a.png"));
        CollectionAssert.AreNotEqual(TileAt(a, width, 0, 1, 3), TileAt(a, width, 1, 1, 3), "a repeated image's second row shows later epochs");
    }

    [TestMethod]
    public void IteratorOverloadPreviewsTheIteratorsNextBatchWithoutAdvancingIt()
    {
        using var dir = TestImages.TempDir();
        using var x = TestImages.RandomUInt8(6, H, W, 3, seed: 4);
        using var it = new ImageDataGenerator(rotation_range: 30, horizontal_flip: true).flow(x, batch_size: 3, seed: 21);
        string path = dir.File("grid.png");

        Preview.preview_grid(it, rows: 3, cols: 2, path);

        Assert.AreEqual(0, it.total_batches_seen);
        var (width, _, rgba) = TestImages.ReadPng(path);
        using var batch = it.next();
        var values = batch.AsSpan();
        for (int r = 0; r < 3; r++)
        {
            CollectionAssert.AreEqual(TestImages.ArrayToImg(Image(x, batch.index_array[r])), TileAt(rgba, width, r, 0, 3));
            CollectionAssert.AreEqual(TestImages.ArrayToImg(values.Slice(r * H * W * 3, H * W * 3)), TileAt(rgba, width, r, 1, 3));
        }
    }

    [TestMethod]
    public void GrayscaleSpreadsOverRgbAndRgbaKeepsItsAlpha()
    {
        using var dir = TestImages.TempDir();
        using var gray = TestImages.RandomUInt8(1, H, W, 1, seed: 5);
        using var rgbaImages = TestImages.RandomUInt8(1, H, W, 4, seed: 6);

        Preview.preview_grid(new ImageDataGenerator(), gray, 1, 2, dir.File("gray.png"), seed: 1);
        Preview.preview_grid(new ImageDataGenerator(), rgbaImages, 1, 2, dir.File("rgba.png"), seed: 1);

        var (gw, _, g) = TestImages.ReadPng(dir.File("gray.png"));
        var expectedGray = TestImages.ArrayToImg(Image(gray, 0));
        var tile = TileAt(g, gw, 0, 0, 4);
        for (int i = 0; i < H * W; i++)
        {
            Assert.IsTrue(tile[4 * i] == expectedGray[i] && tile[(4 * i) + 1] == expectedGray[i] && tile[(4 * i) + 2] == expectedGray[i] && tile[(4 * i) + 3] == 255, $"pixel {i}");
        }

        var (cw, _, c) = TestImages.ReadPng(dir.File("rgba.png"));
        CollectionAssert.AreEqual(TestImages.ArrayToImg(Image(rgbaImages, 0)), TileAt(c, cw, 0, 1, 4), "identity augmentation, alpha unpremultiplied");
    }

    [TestMethod]
    public void ASingleRank3ImageAndChannelsFirstWork()
    {
        using var dir = TestImages.TempDir();
        using var batch = TestImages.RandomUInt8(1, 3, H, W, seed: 7); // (1, C, H, W)
        using var image = batch.reshape(3, H, W);

        Preview.preview_grid(new ImageDataGenerator(data_format: "channels_first"), image, 2, 3, dir.File("cf.png"), seed: 2);

        var (width, height, rgba) = TestImages.ReadPng(dir.File("cf.png"));
        Assert.AreEqual((3 * W) + (4 * Pad), width);
        Assert.AreEqual((2 * H) + (3 * Pad), height);
        var planar = Image(batch, 0);
        var interleaved = new float[planar.Length];
        for (int ch = 0; ch < 3; ch++)
        {
            for (int p = 0; p < H * W; p++)
            {
                interleaved[(p * 3) + ch] = planar[(ch * H * W) + p];
            }
        }

        CollectionAssert.AreEqual(TestImages.ArrayToImg(interleaved), TileAt(rgba, width, 1, 0, 3));
    }

    [TestMethod]
    public void BadArgumentsNameTheParameter()
    {
        using var dir = TestImages.TempDir();
        using var x = TestImages.RandomUInt8(2, H, W, 3, seed: 8);
        using var twoChannels = TestImages.RandomUInt8(2, H, W, 2, seed: 8);
        var generator = new ImageDataGenerator();
        string path = dir.File("bad.png");

        Assert.AreEqual("rows", Assert.ThrowsExactly<ArgumentException>(() => Preview.preview_grid(generator, x, 0, 3, path)).ParamName);
        Assert.AreEqual("cols", Assert.ThrowsExactly<ArgumentException>(() => Preview.preview_grid(generator, x, 2, 1, path)).ParamName);
        Assert.AreEqual("padding", Assert.ThrowsExactly<ArgumentException>(() => Preview.preview_grid(generator, x, 2, 2, path, padding: -1)).ParamName);
        Assert.AreEqual("x", Assert.ThrowsExactly<ArgumentException>(() => Preview.preview_grid(generator, twoChannels, 2, 2, path)).ParamName);
        Assert.IsFalse(File.Exists(path));
    }

    private static float[] Image(NDArray x, int index)
    {
        using var asFloat = x.astype(NPTypeCode.Single);
        var all = asFloat.ToArray<float>();
        int size = all.Length / (int)x.shape[0];
        return all.AsSpan(index * size, size).ToArray();
    }

    private static byte[] TileAt(byte[] rgba, int width, int row, int col, int channels) =>
        TestImages.Tile(rgba, width, Pad + (col * (W + Pad)), Pad + (row * (H + Pad)), W, H, channels);
}
