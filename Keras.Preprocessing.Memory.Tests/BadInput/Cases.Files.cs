using Microsoft.Data.Analysis;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

internal static partial class BadInputCases
{
    private const string F = "files";

    private static DataFrame FileFrame(params object?[] files)
    {
        var names = new StringDataFrameColumn("filename", files.Length);
        for (int i = 0; i < files.Length; i++)
        {
            names[i] = (string?)files[i];
        }

        return new DataFrame(names, new StringDataFrameColumn("class", files.Select((_, i) => i % 2 == 0 ? "a" : "b")));
    }

    /// <summary>flow_from_dataframe over good_0.png plus <paramref name="bad"/>: the bad file is dropped with Keras's warning naming it.</summary>
    private static BadCase Dropped(string name, string bad, string why) => Warn(F, name, why, () =>
    {
        using var it = new ImageDataGenerator().flow_from_dataframe(FileFrame("good_0.png", bad), Workspace.Shared.Images, target_size: (4, 5));
        Assert.AreEqual(1, it.n, "only the good image is kept");
    });

    private static IEnumerable<BadCase> FileCases()
    {
        var ws = Workspace.Shared;
        var g = new ImageDataGenerator();
        yield return Dropped("missing file dropped", "missing.png", "missing.png: no such file");
        yield return Dropped("empty file dropped", "empty.png", "empty.png");
        yield return Dropped("text named .png dropped", "text.png", "text.png");
        yield return Dropped("directory named .png dropped", "folder.png", "folder.png");
        yield return Dropped("extension not allowed dropped", "notes.txt", "extension not in");
        yield return Dropped("dangling symlink dropped", "dangling.png", "dangling.png");
        yield return Dropped("name leaving directory dropped", "../classes/cat/cat_0.png", "../classes/cat/cat_0.png");
        yield return Dropped("absolute path dropped", Path.Combine(ws.Classes, "dog", "dog_1.png"), "dog_1.png");
        if (ws.HasFifo)
        {
            yield return Dropped("FIFO named .png is missing, never opened (os.path.isfile)", "fifo.png", "fifo.png: not a regular file");
            yield return Err<FileNotFoundException>(F, "FIFO without validation fails at its batch, never blocks", null, () =>
            {
                using var it = g.flow_from_dataframe(FileFrame("fifo.png"), ws.Images, target_size: (4, 5), validate_filenames: false);
                it.next().Dispose();
            }, "fifo.png");
            yield return Ok(F, "FIFO in a class folder is not listed by flow_from_directory", () =>
            {
                using var it = g.flow_from_directory(ws.Classes, target_size: (4, 5));
                Assert.AreEqual(4, it.n);
                Assert.IsFalse(it.filenames.Any(f => f.Contains("fifo", StringComparison.Ordinal)));
            });
        }

        yield return Err<ArgumentException>(F, "missing x_col cell", "x_col", () => g.flow_from_dataframe(FileFrame("good_0.png", null), ws.Images), "missing value");
        yield return Err<ArgumentException>(F, "number in x_col", "x_col", () => g.flow_from_dataframe(
            new DataFrame(new Int32DataFrameColumn("filename", [1, 2]), new StringDataFrameColumn("class", ["a", "b"])), ws.Images), "must be strings");
        yield return Ok(F, "file name with a space and an accent", () =>
        {
            using var it = g.flow_from_dataframe(FileFrame("with space é.png"), ws.Images, target_size: (4, 5));
            Assert.AreEqual(1, it.n);
            it.next().Dispose();
        });
        yield return Err<ImageDecodeException>(F, "truncated image fails at its batch naming it", null, () =>
        {
            using var it = g.flow_from_dataframe(FileFrame("cut.png"), ws.Images, target_size: (4, 5));
            it.next().Dispose();
        }, "cut.png");
        yield return Warn(F, "truncated image with cache is dropped naming it", "cut.png", () =>
        {
            using var it = g.flow_from_dataframe(FileFrame("good_0.png", "cut.png"), ws.Images, target_size: (4, 5), cache: true);
            Assert.AreEqual(1, it.n);
        });
        yield return Err<FileNotFoundException>(F, "missing file without validation fails at its batch naming it", null, () =>
        {
            using var it = g.flow_from_dataframe(FileFrame("missing.png"), ws.Images, target_size: (4, 5), validate_filenames: false);
            it.next().Dispose();
        }, "missing.png");
        yield return Ok(F, "encoded bytes in x_col", () =>
        {
            var df = new DataFrame(new StringDataFrameColumn("class", ["a"]));
            var bytes = new ObjectDataFrameColumn("filename", [File.ReadAllBytes(ws.Image("good_0.png"))]);
            df.Columns.Insert(0, bytes);
            using var it = g.flow_from_dataframe(df, target_size: (4, 5));
            Assert.AreEqual(1, it.n);
        });
        yield return Warn(F, "garbage bytes in x_col dropped", "<row 1>", () =>
        {
            var df = new DataFrame(new StringDataFrameColumn("class", ["a", "b"]));
            df.Columns.Insert(0, new ObjectDataFrameColumn("filename", [File.ReadAllBytes(ws.Image("good_0.png")), new byte[] { 1, 2, 3 }]));
            using var it = g.flow_from_dataframe(df, target_size: (4, 5));
            Assert.AreEqual(1, it.n);
        });
        yield return Err<UserPreprocessingException>(F, "preprocessing_function throws in flow_from_dataframe with prefetch", null, () =>
        {
            var throwing = new ImageDataGenerator(preprocessing_function: _ => throw new UserPreprocessingException("my bug"));
            using var it = throwing.flow_from_dataframe(FileFrame("good_0.png", "good_1.png"), ws.Images, target_size: (4, 5), prefetch: 1);
            it.next().Dispose();
        }, "my bug");
        yield return Ok(F, "flow_from_directory of an empty folder finds nothing", () =>
        {
            string empty = ws.NewFolder();
            using var it = g.flow_from_directory(empty);
            Assert.AreEqual(0, it.n);
        });
    }
}
