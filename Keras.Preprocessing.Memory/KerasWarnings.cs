using Microsoft.Extensions.Logging;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// The warnings Keras raises with Python's <c>warnings.warn</c>. Each goes to the current logger
/// (<see cref="KerasLogging.Current"/>: by default standard error, <c>UserWarning: message</c>, like Python) and to
/// <see cref="Warned"/> for programs and tests that want to see them.
/// </summary>
public static class KerasWarnings
{
    /// <summary>Raised for every warning, with its message, whatever logger is in place.</summary>
    public static event Action<string>? Warned;

    /// <summary>
    /// Whether the default console logger (<see cref="KerasConsoleLogger"/>) prints warnings (default true). Other
    /// loggers are not affected: set <see cref="KerasLogging.Logger"/> to replace or silence them all.
    /// </summary>
    public static bool WriteToStandardError { get; set; } = true;

    /// <summary>Issues a warning.</summary>
    public static void Warn(string message)
    {
        KerasLogging.Current.LogWarning("{Message}", message);
        Warned?.Invoke(message);
    }
}
