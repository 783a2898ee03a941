using KerasMem;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

internal static partial class BadInputCases
{
    private const string C = "cli";

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = KerasMemCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A CLI run that must fail with exit code 1 and one line naming <paramref name="contains"/>, with no stack trace.</summary>
    private static BadCase CliError(string name, string[] contains, Func<string[]> args) => Ok(C, name, () =>
    {
        var (code, stdout, stderr) = Cli(args());
        Assert.AreNotEqual(0, code, stdout + stderr);
        foreach (string part in contains)
        {
            Assert.Contains(part, stderr + stdout);
        }

        Assert.DoesNotContain("   at ", stderr, "a stack trace reached the user");
    });

    /// <summary>A folder of images and a labels CSV for <c>cache</c>; <paramref name="extraRows"/> are added as they are.</summary>
    private static (string Csv, string Images, string Folder) CacheInput(params string[] extraRows)
    {
        var ws = Workspace.Shared;
        string folder = ws.NewFolder();
        string csv = Path.Combine(folder, "labels.csv");
        File.WriteAllText(csv, "filename,class\ngood_0.png,cat\ngood_1.png,dog\n" + string.Concat(extraRows.Select(r => r + "\n")));
        return (csv, ws.Images, folder);
    }

    private static IEnumerable<BadCase> CliCases()
    {
        var ws = Workspace.Shared;
        yield return CliError("unknown command", ["frobnicate"], () => ["frobnicate"]);
        yield return CliError("cache without --out", ["--out"], () => ["cache", "--csv", CacheInput().Csv]);
        yield return CliError("cache --out not .npy", ["--out"], () =>
        {
            var (csv, images, folder) = CacheInput();
            return ["cache", "--csv", csv, "--directory", images, "--out", Path.Combine(folder, "data.bin")];
        });
        yield return CliError("cache --labels-out equal to --out", ["--labels-out", "same file"], () =>
        {
            var (csv, images, folder) = CacheInput();
            string output = Path.Combine(folder, "data.npy");
            return ["cache", "--csv", csv, "--directory", images, "--out", output, "--labels-out", output];
        });
        yield return CliError("cache --labels-out equal to --out through another spelling", ["same file"], () =>
        {
            var (csv, images, folder) = CacheInput();
            return ["cache", "--csv", csv, "--directory", images, "--out", Path.Combine(folder, "data.npy"), "--labels-out", Path.Combine(folder, ".", "data.npy")];
        });
        yield return CliError("cache --out over the --csv", ["--csv"], () =>
        {
            var (csv, images, _) = CacheInput();
            string npyCsv = Path.ChangeExtension(csv, ".npy");
            File.Copy(csv, npyCsv);
            return ["cache", "--csv", npyCsv, "--directory", images, "--out", npyCsv];
        });
        yield return CliError("cache missing --csv file", ["--csv"], () => ["cache", "--csv", Path.Combine(ws.Root, "none.csv"), "--out", Path.Combine(ws.NewFolder(), "d.npy")]);
        yield return CliError("cache missing --directory", ["--directory"], () =>
        {
            var (csv, _, folder) = CacheInput();
            return ["cache", "--csv", csv, "--directory", Path.Combine(folder, "nope"), "--out", Path.Combine(folder, "d.npy")];
        });
        yield return CliError("cache --x-col not in the CSV", ["--x-col"], () =>
        {
            var (csv, images, folder) = CacheInput();
            return ["cache", "--csv", csv, "--directory", images, "--out", Path.Combine(folder, "d.npy"), "--x-col", "path"];
        });
        yield return CliError("cache --y-col not in the CSV", ["--y-col"], () =>
        {
            var (csv, images, folder) = CacheInput();
            return ["cache", "--csv", csv, "--directory", images, "--out", Path.Combine(folder, "d.npy"), "--y-col", "label"];
        });
        yield return CliError("cache when no row names an image", ["none of the"], () =>
        {
            var ws2 = Workspace.Shared;
            string folder = ws2.NewFolder();
            string csv = Path.Combine(folder, "labels.csv");
            File.WriteAllText(csv, "filename,class\nmissing.png,cat\n");
            return ["cache", "--csv", csv, "--directory", ws2.Images, "--out", Path.Combine(folder, "d.npy")];
        });
        yield return CliError("cache --target-size 0x0", ["--target-size"], () =>
        {
            var (csv, images, folder) = CacheInput();
            return ["cache", "--csv", csv, "--directory", images, "--out", Path.Combine(folder, "d.npy"), "--target-size", "0x0"];
        });
        yield return CliError("cache --target-size not a size", ["--target-size"], () =>
        {
            var (csv, images, folder) = CacheInput();
            return ["cache", "--csv", csv, "--directory", images, "--out", Path.Combine(folder, "d.npy"), "--target-size", "big"];
        });
        yield return CliError("cache --target-size beyond addressable", ["target_size"], () =>
        {
            var (csv, images, folder) = CacheInput();
            return ["cache", "--csv", csv, "--directory", images, "--out", Path.Combine(folder, "d.npy"), "--target-size", "60000x60000"];
        });
        yield return Ok(C, "cache with an undecodable image names it and writes nothing", () =>
        {
            var (csv, images, folder) = CacheInput("cut.png,cat");
            string output = Path.Combine(folder, "d.npy");
            var (code, _, stderr) = Cli("cache", "--csv", csv, "--directory", images, "--out", output, "--target-size", "4x5");
            Assert.AreEqual(1, code, stderr);
            Assert.Contains("cut.png", stderr);
            Assert.DoesNotContain("header promised", stderr, "the writer's complaint must not hide the real error");
            Assert.IsFalse(File.Exists(output), "no truncated .npy is left behind");
            Assert.IsFalse(Directory.EnumerateFiles(folder, "*.partial").Any(), "nor its temporary file");
            Assert.IsFalse(File.Exists(Path.Combine(folder, "d_labels.npy")));
        });
        yield return Ok(C, "a failed cache leaves the previous good .npy intact", () =>
        {
            var (csv, images, folder) = CacheInput();
            string output = Path.Combine(folder, "d.npy");
            Assert.AreEqual(0, Cli("cache", "--csv", csv, "--directory", images, "--out", output, "--target-size", "4x5").Code);
            byte[] good = File.ReadAllBytes(output);
            File.AppendAllText(csv, "cut.png,cat\n");
            Assert.AreEqual(1, Cli("cache", "--csv", csv, "--directory", images, "--out", output, "--target-size", "4x5").Code);
            CollectionAssert.AreEqual(good, File.ReadAllBytes(output));
        });
        yield return Ok(C, "cache output maps and flows", () =>
        {
            var (csv, images, folder) = CacheInput();
            string output = Path.Combine(folder, "d.npy");
            var (code, _, stderr) = Cli("cache", "--csv", csv, "--directory", images, "--out", output, "--target-size", "4x5");
            Assert.AreEqual(0, code, stderr);
            using var x = NpyFile.load(output);
            CollectionAssert.AreEqual(new long[] { 2, 4, 5, 3 }, x.shape);
        });
        yield return CliError("bench --samples too large for one array", ["--samples"], () => ["bench", "--samples", "2000000000", "--image-size", "224x224"]);
        yield return CliError("bench --npy of a short file", ["--npy", "mmap length is greater than file size"], () => ["bench", "--npy", Workspace.Shared.ShortNpy]);
        yield return CliError("bench --npy of a text file", ["--npy", "not a .npy file"], () => ["bench", "--npy", Workspace.Shared.NotNpy]);
        yield return CliError("bench --npy missing", ["--npy"], () => ["bench", "--npy", Path.Combine(Workspace.Shared.Root, "none.npy")]);
        yield return CliError("bench --batch-size 0", ["--batch-size"], () => ["bench", "--batch-size", "0"]);
        yield return CliError("bench --channels 0", ["--channels"], () => ["bench", "--channels", "0"]);
        yield return CliError("bench --prefetch -1", ["--prefetch"], () => ["bench", "--prefetch", "-1"]);
        yield return CliError("bench --samples not a number", ["--samples"], () => ["bench", "--samples", "many"]);
        yield return CliError("preview of an empty folder", ["--images"], () => ["preview", "--images", Workspace.Shared.NewFolder(), "--out", Path.Combine(Workspace.Shared.NewFolder(), "g.png")]);
        yield return CliError("preview --config not JSON", ["--config"], () =>
        {
            string folder = Workspace.Shared.NewFolder();
            string config = Path.Combine(folder, "c.json");
            File.WriteAllText(config, "{ not json");
            return ["preview", "--images", Workspace.Shared.Images, "--config", config, "--out", Path.Combine(folder, "g.png")];
        });
        yield return CliError("preview --config with an unknown argument", ["--config", "rotation"], () =>
        {
            string folder = Workspace.Shared.NewFolder();
            string config = Path.Combine(folder, "c.json");
            File.WriteAllText(config, "{\"rotationrange\": 10}");
            return ["preview", "--images", Workspace.Shared.Images, "--config", config, "--out", Path.Combine(folder, "g.png")];
        });
        yield return Ok(C, "bench on a small mapped file", () =>
        {
            var (code, stdout, stderr) = Cli("bench", "--npy", Workspace.Shared.GoodNpy, "--batch-size", "2", "--batches", "1");
            Assert.AreEqual(0, code, stderr);
            Assert.Contains("images/s", stdout);
        });
        _ = np.zeros(1);
    }
}
