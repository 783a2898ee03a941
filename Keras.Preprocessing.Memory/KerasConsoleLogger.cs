using Microsoft.Extensions.Logging;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// The default sink: what Python Keras shows. Information goes to <see cref="Console.Out"/> as is (Keras's
/// <c>print</c>); warnings and errors go to <see cref="Console.Error"/> as <c>UserWarning: message</c> (Python's
/// default <c>warnings</c> display, without the source line). The console writers are looked up at each message,
/// so a redirected <see cref="Console.Out"/> is honoured.
/// </summary>
public sealed class KerasConsoleLogger : ILogger
{
    private KerasConsoleLogger()
    {
    }

    /// <summary>The one instance.</summary>
    public static KerasConsoleLogger Instance { get; } = new();

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        string message = formatter(state, exception);
        if (logLevel >= LogLevel.Warning)
        {
            if (KerasWarnings.WriteToStandardError)
            {
                Console.Error.WriteLine("UserWarning: " + message);
            }
        }
        else
        {
            Console.Out.WriteLine(message);
        }
    }
}
