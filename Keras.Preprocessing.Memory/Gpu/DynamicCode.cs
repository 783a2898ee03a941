using System.Runtime.CompilerServices;
using Keras.Preprocessing.Memory.Execution;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// Whether this process may generate code at run time, which ILGPU needs for its GPU kernels and NumSharp for its
/// arithmetic. .NET 10 file-based programs (<c>dotnet run app.cs</c>) turn it off by default (their implicit
/// <c>PublishAot=true</c> writes <c>IsDynamicCodeSupported=false</c> into the runtimeconfig even for a plain run).
/// The KerasMemory package turns that default off for file-based programs that reference it with
/// <c>#:package</c>; one that references the library with <c>#:project</c> needs the directive itself. Without
/// dynamic code, <c>device: "gpu"</c> fails here with a message naming the fix, and <c>"auto"</c> uses the CPU
/// with a warning saying why, never silently.
/// </summary>
internal static class DynamicCode
{
    private static int _warned;

    /// <summary>Tests only: acts as a process with (true) or without (false) dynamic code.</summary>
    internal static bool? SupportedOverride { get; set; }

    /// <summary>Whether run-time code generation is available (<see cref="RuntimeFeature.IsDynamicCodeSupported"/>).</summary>
    public static bool Supported => SupportedOverride ?? RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>What a user adds to get dynamic code back.</summary>
    public const string Fix =
        "Add `#:property PublishAot=false` at the top of a file-based program (dotnet run app.cs), "
        + "or <PublishAot>false</PublishAot> to the project file";

    /// <summary>
    /// Whether <paramref name="spec"/> may go to a GPU. Without dynamic code: "auto" warns (once per process) and
    /// answers false, so the caller uses the CPU; a named GPU throws.
    /// </summary>
    public static bool AllowsGpu(DeviceSpec spec)
    {
        if (Supported || spec.Kind == DeviceKind.Cpu)
        {
            return true;
        }

        string why = "this program runs without dynamic code (PublishAot=true, the default of .NET 10 file-based programs), "
            + "and ILGPU compiles the GPU kernels at run time";
        if (spec.Kind == DeviceKind.Auto)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                KerasWarnings.Warn($"device \"auto\": augmenting on the CPU because {why}. {Fix} to use a GPU "
                    + "(NumSharp's arithmetic, such as x / 255.0 or mean(), needs it too).");
            }

            return false;
        }

        throw new InvalidOperationException($"`device` \"{spec}\" cannot run: {why}. {Fix}.");
    }
}
