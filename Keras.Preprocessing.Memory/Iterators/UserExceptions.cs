using System.Runtime.ExceptionServices;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>
/// Exceptions from the user's code (a <c>preprocessing_function</c>) reach the caller as themselves, with their
/// own stack, not wrapped in the AggregateException that Parallel.For and tasks put around them.
/// </summary>
internal static class UserExceptions
{
    /// <summary>Rethrows the first exception inside <paramref name="e"/> (the user's), preserving its stack.</summary>
    public static void Rethrow(AggregateException e)
    {
        var inner = e.Flatten().InnerExceptions;
        if (inner.Count > 0)
        {
            // Several images may have failed the same way; the first is the one to show.
            ExceptionDispatchInfo.Capture(inner[0]).Throw();
        }
    }
}
