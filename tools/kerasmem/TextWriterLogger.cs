using Microsoft.Extensions.Logging;

namespace KerasMem;

/// <summary>
/// The library's messages for a command: information lines to <paramref name="stdout"/>, warnings to
/// <paramref name="stderr"/> as <c>warning: ...</c>. Passed as <c>logger:</c>, so nothing redirects the console.
/// </summary>
internal sealed class TextWriterLogger(TextWriter stdout, TextWriter stderr) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        string message = formatter(state, exception);
        if (logLevel >= LogLevel.Warning)
        {
            stderr.WriteLine("warning: " + message);
        }
        else
        {
            stdout.WriteLine(message);
        }
    }
}
