using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// The one place the library's messages go: Keras's <c>print</c> lines ("Found 240 images belonging to 3 classes.")
/// as <see cref="LogLevel.Information"/> and its <c>warnings.warn</c> calls (see <see cref="KerasWarnings"/>) as
/// <see cref="LogLevel.Warning"/>, with Keras's wording, through a <c>Microsoft.Extensions.Logging</c>
/// <see cref="ILogger"/>. Nothing else in the library writes to the console.
/// </summary>
/// <remarks>
/// By default, like Keras, the lines are printed: information to standard output, warnings to standard error as
/// <c>UserWarning: ...</c>. Replace or silence them
/// <list type="bullet">
/// <item>for the process: <c>KerasLogging.Logger = loggerFactory.CreateLogger("Keras")</c>, or
/// <c>NullLogger.Instance</c> for none;</item>
/// <item>per generator: <c>datagen.logger = ...</c>;</item>
/// <item>per call: the <c>logger:</c> argument of <c>flow_from_dataframe</c> and <c>flow_from_directory</c>;</item>
/// <item>for a block of code on this async flow: <c>using (KerasLogging.Use(logger)) { ... }</c>.</item>
/// </list>
/// The innermost one set wins.
/// </remarks>
public static class KerasLogging
{
    private static readonly AsyncLocal<ILogger?> Scoped = new();
    private static ILogger _logger = KerasConsoleLogger.Instance;

    /// <summary>The process-wide logger (default: prints like Keras). Set <c>NullLogger.Instance</c> to silence.</summary>
    public static ILogger Logger
    {
        get => _logger;
        set => _logger = value ?? NullLogger.Instance;
    }

    /// <summary>The logger messages go to here and now: the innermost <see cref="Use"/>, else <see cref="Logger"/>.</summary>
    public static ILogger Current => Scoped.Value ?? _logger;

    /// <summary>
    /// Sends the library's messages on this async flow (and the tasks it starts) to <paramref name="logger"/> until
    /// the result is disposed; null leaves the current one in place.
    /// </summary>
    public static IDisposable Use(ILogger? logger)
    {
        var previous = Scoped.Value;
        if (logger is not null)
        {
            Scoped.Value = logger;
        }

        return new Restore(previous, logger is not null);
    }

    /// <summary>A Keras <c>print(...)</c> line.</summary>
    internal static void Print(string message) => Current.LogInformation("{Message}", message);

    private sealed class Restore(ILogger? previous, bool changed) : IDisposable
    {
        public void Dispose()
        {
            if (changed)
            {
                Scoped.Value = previous;
            }
        }
    }
}
