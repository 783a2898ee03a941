using System.Collections.Concurrent;

namespace Keras.Preprocessing.Memory.Tests.BadInput;

/// <summary>
/// The bad-input matrix: a user's worst day, one row each. Every case ends in a clear error (the exception type,
/// and for argument errors the parameter it names, plus words of the message), a documented warning, or a correct
/// result; never a crash, a hang (each case runs under a time limit) or a silent wrong answer. The classes are listed
/// in README.md in this folder; add a row whenever the library grows an input.
/// </summary>
[TestClass]
[DoNotParallelize] // captures KerasWarnings (process-wide) and counts the process's producer threads
public sealed class BadInputMatrix
{
    /// <summary>A case that takes longer than this is reported as a hang.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    public static IEnumerable<object[]> Ids => BadInputCases.All.Select(c => new object[] { c.Id });

    [ClassCleanup]
    public static void Cleanup() => Workspace.DisposeShared();

    [TestMethod]
    [DynamicData(nameof(Ids))]
    public void Case(string id) => Run(BadInputCases.ById[id]);

    [TestMethod]
    public void TheMatrixCoversEveryAreaWithAtLeast150Cases()
    {
        var areas = BadInputCases.All.GroupBy(c => c.Area).ToDictionary(g => g.Key, g => g.Count());

        Assert.IsGreaterThanOrEqualTo(150, BadInputCases.All.Count, string.Join(", ", areas.Select(p => $"{p.Key}: {p.Value}")));
        foreach (string area in new[] { "arrays", "parameters", "iterators", "files", "mapped", "image-io", "cli" })
        {
            Assert.IsTrue(areas.TryGetValue(area, out int n) && n >= 5, $"area {area} has {n} cases");
        }

        Assert.HasCount(BadInputCases.All.Count, BadInputCases.ById, "case ids are unique");
    }

    internal static void Run(BadCase c)
    {
        var warnings = new ConcurrentQueue<string>();
        void Capture(string message) => warnings.Enqueue(message);
        bool toConsole = KerasWarnings.WriteToStandardError;
        KerasWarnings.WriteToStandardError = false;
        KerasWarnings.Warned += Capture;
        Exception? thrown;
        try
        {
            thrown = RunWithHangLimit(c);
        }
        finally
        {
            KerasWarnings.Warned -= Capture;
            KerasWarnings.WriteToStandardError = toConsole;
        }

        switch (c.Expect)
        {
            case Throws t:
                Assert.IsNotNull(thrown, $"{c.Id}: expected {t.Type.Name}, nothing was thrown");
                Assert.IsInstanceOfType(thrown, t.Type, $"{c.Id}: {thrown}");
                if (t.Param is not null)
                {
                    Assert.AreEqual(t.Param, (thrown as ArgumentException)?.ParamName, $"{c.Id}: {thrown.Message}");
                }

                foreach (string part in t.Contains)
                {
                    Assert.Contains(part, thrown.Message, $"{c.Id}: {thrown.GetType().Name}: {thrown.Message}");
                }

                break;
            case Warns w:
                Assert.IsNull(thrown, $"{c.Id}: {thrown}");
                Assert.IsTrue(warnings.Any(m => m.Contains(w.Contains, StringComparison.Ordinal)), $"{c.Id}: no warning containing '{w.Contains}'; got: {string.Join(" | ", warnings)}");
                break;
            default:
                Assert.IsNull(thrown, $"{c.Id}: {thrown}");
                break;
        }
    }

    private static Exception? RunWithHangLimit(BadCase c)
    {
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                c.Act();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        })
        { IsBackground = true, Name = "bad-input case" };
        thread.Start();
        if (!thread.Join(HangLimit))
        {
            Assert.Fail($"{c.Id}: hung (still running after {HangLimit.TotalSeconds} s)");
        }

        return thrown;
    }
}

/// <summary>One row of the matrix.</summary>
internal sealed record BadCase(string Area, string Name, Action Act, Expectation Expect)
{
    public string Id => $"{Area}: {Name}";
}

internal abstract record Expectation;

/// <summary>A clear error: this exception type (or a subclass), naming <see cref="Param"/> when it is an argument error.</summary>
internal sealed record Throws(Type Type, string? Param, string[] Contains) : Expectation;

/// <summary>A documented warning (through <see cref="KerasWarnings"/>), and no exception.</summary>
internal sealed record Warns(string Contains) : Expectation;

/// <summary>A correct result: the action asserts it itself.</summary>
internal sealed record Works : Expectation;

internal static partial class BadInputCases
{
    private static readonly Lazy<List<BadCase>> Cases = new(() =>
    [
        .. Arrays(), .. Parameters(), .. IteratorCases(), .. FileCases(), .. MappedCases(), .. ImageIoCases(), .. CliCases(),
    ]);

    public static IReadOnlyList<BadCase> All => Cases.Value;

    public static IReadOnlyDictionary<string, BadCase> ById => All.GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First());

    private static BadCase Err<T>(string area, string name, string? param, Action act, params string[] contains)
        where T : Exception => new(area, name, act, new Throws(typeof(T), param, contains));

    private static BadCase Warn(string area, string name, string contains, Action act) => new(area, name, act, new Warns(contains));

    private static BadCase Ok(string area, string name, Action act) => new(area, name, act, new Works());
}
