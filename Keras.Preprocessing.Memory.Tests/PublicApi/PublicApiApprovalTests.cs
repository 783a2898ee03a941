using System.Runtime.CompilerServices;
using System.Text;
using PublicApiGenerator;

namespace Keras.Preprocessing.Memory.Tests.PublicApi;

/// <summary>
/// The library's public surface, approved line by line: a type or member made public by accident (or a rename)
/// fails here with the difference printed. To accept a deliberate change, copy the printed
/// <c>*.received.txt</c> over <c>Keras.Preprocessing.Memory.approved.txt</c> and commit it with the change.
/// </summary>
[TestClass]
public sealed class PublicApiApprovalTests
{
    [TestMethod]
    public void PublicApiIsTheApprovedOne()
    {
        string received = Normalize(typeof(ImageDataGenerator).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
        }));
        string approvedPath = ApprovedPath();
        string approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : "";
        if (received == approved)
        {
            return;
        }

        string receivedPath = Path.ChangeExtension(approvedPath, null).Replace(".approved", "") + ".received.txt";
        File.WriteAllText(receivedPath, received);
        Assert.Fail(
            $"The public API changed ({approvedPath}). If the change is deliberate, copy {receivedPath} over the approved file.\n" +
            Diff(approved, received));
    }

    [TestMethod]
    public void TheDiffNamesAddedAndRemovedLines()
    {
        string diff = Diff("a\nb\nc\n", "a\nc\nd\n");

        StringAssert.Contains(diff, "- b");
        StringAssert.Contains(diff, "+ d");
        Assert.DoesNotContain("- a", diff);
    }

    [TestMethod]
    public void NoPublicTypeOutsideTheRootNamespace()
    {
        // The layout rule (docs/architecture.md): public types live in the root folder and namespace, so a Keras
        // user needs one using; layer folders hold internal types only.
        var strays = typeof(ImageDataGenerator).Assembly.GetExportedTypes()
            .Where(t => t.Namespace != "Keras.Preprocessing.Memory")
            .Select(t => t.FullName)
            .ToArray();

        Assert.IsEmpty(strays, string.Join(", ", strays));
    }

    [TestMethod]
    public void NoIlgpuTypeInThePublicApi()
    {
        string api = typeof(ImageDataGenerator).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });

        Assert.DoesNotContain("ILGPU", api);
    }

    private static string ApprovedPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Keras.Preprocessing.Memory.approved.txt");

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";

    /// <summary>A line diff (longest common subsequence): "- " lines only in <paramref name="before"/>, "+ " lines only in <paramref name="after"/>.</summary>
    internal static string Diff(string before, string after)
    {
        string[] a = before.Split('\n'), b = after.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                diff.Append("+ ").AppendLine(b[y++]);
            }
            else
            {
                diff.Append("- ").AppendLine(a[x++]);
            }
        }

        return diff.ToString();
    }
}
