using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Keras.Preprocessing.Memory.Tests.Docs;

/// <summary>
/// Every ```csharp block of README.md and docs/*.md is a complete program (its own using lines, top-level statements
/// first, types after them) and must compile, with Roslyn, against every managed assembly in the test output folder
/// (the library, NumSharp, Microsoft.Data.Analysis and whatever else the tests reference). A snippet that is meant not
/// to compile (a pitfall) goes in a ```text block. One test per block: a failure names the file, the block's index and
/// first line, and the compiler's diagnostics.
/// </summary>
[TestClass]
public sealed class DocSnippetTests
{
    /// <summary>The SDK's implicit usings for a console program, as `dotnet run file.cs` applies them.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly Lazy<CSharpCompilation> BaseCompilation = new(CreateBaseCompilation);

    public static IEnumerable<object[]> Blocks => DocBlocks.All().Select(b => new object[] { b.Id, b.Code });

    [TestMethod]
    [DynamicData(nameof(Blocks))]
    public void CsharpBlockCompiles(string id, string code)
    {
        var errors = Compile(code);

        Assert.IsEmpty(errors, $"{id} does not compile:\n{string.Join("\n", errors)}\n--- the block ---\n{code}");
    }

    [TestMethod]
    public void EveryDocWithCodeIsFound()
    {
        var files = DocBlocks.All().Select(b => b.File).Distinct().ToArray();

        CollectionAssert.Contains(files, "README.md");
        CollectionAssert.Contains(files, "docs/porting.md");
        Assert.IsGreaterThanOrEqualTo(5, DocBlocks.All().Count(), "the docs hold at least a handful of C# snippets");
    }

    [TestMethod]
    public void TheHarnessRejectsABrokenSnippet()
    {
        // Proves the harness can fail: an ambiguous call and an unknown name are reported with their positions.
        var errors = Compile("""
            using Keras.Preprocessing.Memory;
            var datagen = new ImageDataGenerator(no_such_parameter: 1);
            """);

        Assert.IsTrue(errors.Any(e => e.Contains("CS1739", StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [TestMethod]
    public void ExtractionFindsOnlyCsharpFences()
    {
        var blocks = DocBlocks.Extract("x.md", "text\n```python\nx = 1\n```\n```csharp\nvar a = 1;\n```\n```text\nnot code\n```\n  ```csharp\n  var b = 2;\n  ```\n").ToArray();

        Assert.HasCount(2, blocks);
        Assert.AreEqual("var a = 1;\n", blocks[0].Code);
        Assert.AreEqual("var b = 2;\n", blocks[1].Code, "an indented fence (inside a list) is unindented");
        StringAssert.StartsWith(blocks[1].Id, "x.md block 2 (line 11)");
    }

    /// <summary>The compiler's errors for <paramref name="code"/> as a program, each "line L, column C (of the block) CSnnnn: message".</summary>
    internal static string[] Compile(string code)
    {
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var tree = CSharpSyntaxTree.ParseText(code, options, path: "snippet.cs", encoding: Encoding.UTF8);
        var compilation = BaseCompilation.Value.AddSyntaxTrees(tree);
        bool hasStatements = tree.GetCompilationUnitRoot().Members.Any(m => m is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax);
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Where(d => hasStatements || d.Id != "CS5001") // a block of using lines only has no entry point
            .Select(d => d.Location.GetLineSpan().StartLinePosition is var at
                ? $"line {at.Line + 1}, column {at.Character + 1} (of the block) {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"
                : string.Empty)
            .ToArray();
    }

    private static CSharpCompilation CreateBaseCompilation()
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            paths[Path.GetFileNameWithoutExtension(path)] = path;
        }

        // Every managed assembly next to the tests; they win over the platform's where both have one.
        foreach (string path in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            if (IsManaged(path))
            {
                paths[Path.GetFileNameWithoutExtension(path)] = path;
            }
        }

        var references = paths.Values.Where(IsManaged).Select(p => MetadataReference.CreateFromFile(p)).ToArray();
        var options = new CSharpCompilationOptions(OutputKind.ConsoleApplication)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithAllowUnsafe(true)
            .WithSpecificDiagnosticOptions(ImmutableDictionary<string, ReportDiagnostic>.Empty
                .Add("CS1701", ReportDiagnostic.Suppress)
                .Add("CS1702", ReportDiagnostic.Suppress));
        var usings = CSharpSyntaxTree.ParseText(ImplicitUsings, new CSharpParseOptions(LanguageVersion.Preview), path: "ImplicitUsings.cs");
        return CSharpCompilation.Create("DocSnippet", [usings], references, options);
    }

    private static bool IsManaged(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}

/// <summary>The ```csharp blocks of the repository's Markdown (README.md and docs/*.md).</summary>
internal static class DocBlocks
{
    public sealed record Block(string File, int Index, int Line, string Code)
    {
        public string Id => $"{File} block {Index} (line {Line})";
    }

    public static IEnumerable<Block> All()
    {
        string root = RepositoryRoot();
        var files = new List<string> { Path.Combine(root, "README.md") };
        files.AddRange(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
        foreach (string file in files.Where(File.Exists))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            foreach (var block in Extract(relative, File.ReadAllText(file)))
            {
                yield return block;
            }
        }
    }

    /// <summary>Blocks fenced by ```csharp (or ```cs, ```c#) ... ```, numbered from 1 within the file.</summary>
    public static IEnumerable<Block> Extract(string file, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        int index = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].TrimStart();
            int indent = lines[i].Length - trimmed.Length;
            string info = trimmed.StartsWith("```", StringComparison.Ordinal) ? trimmed[3..].Trim().ToLowerInvariant() : string.Empty;
            if (info is not ("csharp" or "cs" or "c#"))
            {
                continue;
            }

            int fence = i + 1; // 1-based line of the opening fence
            int start = i + 1;
            var code = new StringBuilder();
            for (i = start; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
            {
                string line = lines[i];
                int strip = Math.Min(indent, line.Length - line.TrimStart(' ').Length);
                code.Append(line[strip..]).Append('\n');
            }

            yield return new Block(file, ++index, fence, code.ToString());
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KerasMemory.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("KerasMemory.sln not found above " + AppContext.BaseDirectory);
    }
}
