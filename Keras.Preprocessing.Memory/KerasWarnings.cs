namespace Keras.Preprocessing.Memory;

/// <summary>
/// Where the warnings Keras raises with Python's <c>warnings.warn</c> go: to standard error, like Python's
/// default, and to <see cref="Warned"/> for programs and tests that want to see them.
/// </summary>
public static class KerasWarnings
{
    /// <summary>Raised for every warning, with its message.</summary>
    public static event Action<string>? Warned;

    /// <summary>Whether warnings are also written to standard error (default true).</summary>
    public static bool WriteToStandardError { get; set; } = true;

    /// <summary>Issues a warning.</summary>
    public static void Warn(string message)
    {
        if (WriteToStandardError)
        {
            Console.Error.WriteLine("UserWarning: " + message);
        }

        Warned?.Invoke(message);
    }
}
