namespace KerasMem;

/// <summary>A bad argument or input, reported to the user as one line naming the option; exit code 1.</summary>
internal sealed class UsageException(string message) : Exception(message);
