using KerasMem;

namespace Keras.Preprocessing.Memory.Tests.Cli;

/// <summary>A progress bar writing to a log (redirected stderr, a CI job) prints a few plain lines, not 101 redraws.</summary>
[TestClass]
public sealed class ProgressBarLogTests
{
    [TestMethod]
    public void ARedirectedBarWritesOneLinePerQuarterWithoutCarriageReturns()
    {
        using var writer = new StringWriter();
        var bar = new ProgressBar(writer, "caching", 200);   // not the console: a log

        for (int i = 1; i <= 200; i++)
        {
            bar.Report(i);
        }

        string[] lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        CollectionAssert.AreEqual(new[] { "caching: 25% 50/200", "caching: 50% 100/200", "caching: 75% 150/200", "caching: 100% 200/200" }, lines);
        Assert.DoesNotContain("\r", writer.ToString());
    }
}
