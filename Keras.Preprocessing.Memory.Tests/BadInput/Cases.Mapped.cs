using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

internal static partial class BadInputCases
{
    private const string M = "mapped";

    private static NDArray Mapped(string path, string mode = "r") => (NDArray)np.load(path, mmap_mode: mode);

    private static IEnumerable<BadCase> MappedCases()
    {
        var ws = Workspace.Shared;
        var g = new ImageDataGenerator();

        // An array NumSharp already mapped: checked when flow/fit/standardize take it.
        yield return Err<ArgumentException>(M, "flow over a short file mapped by np.load", "x", () => g.flow(Mapped(ws.ShortNpy)), "mmap length is greater than file size");
        yield return Err<ArgumentException>(M, "flow over a header-only file mapped by np.load", "x", () => g.flow(Mapped(ws.HeaderOnlyNpy)), "mmap length is greater than file size");
        yield return Err<ArgumentException>(M, "fit over a short mapped file", "x", () => new ImageDataGenerator(featurewise_center: true).fit(Mapped(ws.ShortNpy)), "mmap length");
        yield return Err<ArgumentException>(M, "flow over a slice of a short mapped file", "x", () => g.flow(Mapped(ws.ShortNpy)["0:1"]), "mmap length");
        yield return Err<ArgumentException>(M, "flow over a short file mapped copy-on-write", "x", () => g.flow(Mapped(ws.ShortNpy, "c")), "mmap length");
        yield return Err<ArgumentException>(M, "multi-input flow over a short mapped file", "x", () => g.flow([Mapped(ws.ShortNpy), np.zeros(new Shape(2, 1))]), "mmap length");
        yield return Err<ArgumentException>(M, "labels mapped from a short file", "y", () => g.flow(Mapped(ws.GoodNpy), Mapped(ws.ShortLabelsNpy)), "mmap length");
        yield return Ok(M, "flow over a whole mapped file reads it in place", () =>
        {
            using var x = Mapped(ws.GoodNpy);
            using var it = g.flow(x, batch_size: 2, shuffle: false);
            using var batch = it.next();
            CollectionAssert.AreEqual(Enumerable.Range(0, 96).Select(i => (float)i).ToArray(), batch.x.ToArray<float>());
        });
        yield return Ok(M, "augmenting a read-only mapping never writes to it", () =>
        {
            using var x = Mapped(ws.GoodNpy);
            using var it = new ImageDataGenerator(rotation_range: 40, samplewise_center: true, horizontal_flip: true).flow(x, batch_size: 2, seed: 1, prefetch: 1);
            it.next().Dispose();
            CollectionAssert.AreEqual(Enumerable.Range(0, 96).Select(i => (byte)i).ToArray(), x.ToArray<byte>());
        });
        yield return Ok(M, "a slice of a whole mapped file", () =>
        {
            using var x = Mapped(ws.GoodNpy);
            using var it = g.flow(x["1:2"], batch_size: 1);
            Assert.AreEqual(1, it.n);
        });
        yield return Ok(M, "a float32 mapped file", () =>
        {
            using var x = NpyFile.load(ws.FloatNpy);
            using var it = g.flow(x, batch_size: 3, shuffle: false);
            CollectionAssert.AreEqual(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), it.next().x.ToArray<float>());
        });
        yield return Err<ArgumentException>(M, "one mapped image of 2^31 elements", "x", () => g.flow(Mapped(ws.HugeImageNpy)), "at most 2147483591");

        // NpyFile.load: numpy's checks before mapping, NumSharp's errors said as what the caller did wrong.
        yield return Err<ArgumentException>(M, "NpyFile.load short file", "path", () => NpyFile.load(ws.ShortNpy), "mmap length is greater than file size");
        yield return Err<ArgumentException>(M, "NpyFile.load header-only file", "path", () => NpyFile.load(ws.HeaderOnlyNpy), "mmap length is greater than file size");
        yield return Err<ArgumentException>(M, "NpyFile.load a text file", "path", () => NpyFile.load(ws.NotNpy), "not a .npy file");
        yield return Err<ArgumentException>(M, "NpyFile.load an empty file", "path", () => NpyFile.load(ws.EmptyNpy), "not a .npy file");
        yield return Err<ArgumentException>(M, "NpyFile.load a pickle", "path", () => NpyFile.load(ws.PickleNpy), "not a .npy file");
        yield return Err<ArgumentException>(M, "NpyFile.load an object array mapped", "path", () => NpyFile.load(ws.ObjectNpy), "cannot be loaded");
        yield return Err<ArgumentException>(M, "NpyFile.load an object array into memory", "path", () => NpyFile.load(ws.ObjectNpy, mmap_mode: null), "allow_pickle");
        yield return Err<ArgumentException>(M, "NpyFile.load a damaged header", "path", () => NpyFile.load(ws.BadHeaderNpy), "damaged .npy header");
        yield return Err<ArgumentException>(M, "NpyFile.load mmap_mode w+", "mmap_mode", () => NpyFile.load(ws.GoodNpy, mmap_mode: "w+"), "\"r\"");
        yield return Err<ArgumentException>(M, "NpyFile.load mmap_mode x", "mmap_mode", () => NpyFile.load(ws.GoodNpy, mmap_mode: "x"), "\"r+\"");
        yield return Err<FileNotFoundException>(M, "NpyFile.load missing file", null, () => NpyFile.load(Path.Combine(ws.Root, "missing.npy")), "missing.npy");
        yield return Err<ArgumentNullException>(M, "NpyFile.load null path", "path", () => NpyFile.load(null!));
        yield return Ok(M, "NpyFile.load a whole file, mapped", () =>
        {
            using var x = NpyFile.load(ws.GoodNpy);
            CollectionAssert.AreEqual(new long[] { 2, 4, 4, 3 }, x.shape);
        });
        yield return Ok(M, "NpyFile.load a whole file into memory", () =>
        {
            using var x = NpyFile.load(ws.GoodNpy, mmap_mode: null);
            Assert.AreEqual(95, x.ToArray<byte>()[^1]);
        });
        yield return Ok(M, "NpyFile.load numpy's long mmap_mode names", () =>
        {
            using var x = NpyFile.load(ws.GoodNpy, mmap_mode: "readonly");
            Assert.AreEqual(96, x.size);
        });
        yield return Err<ArgumentException>(M, "NpyFile.load a short file into memory", "path", () => NpyFile.load(ws.ShortNpy, mmap_mode: null), "cannot be loaded");
    }
}
