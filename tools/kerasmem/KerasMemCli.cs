using System.CommandLine;
using KerasMem.Commands;

namespace KerasMem;

/// <summary>The <c>kerasmem</c> command line: <c>preview</c>, <c>cache</c> and <c>bench</c>.</summary>
internal static class KerasMemCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("kerasmem: see what ImageDataGenerator augmentation does, cache image folders as .npy, and measure flow's throughput.");
        root.Add(PreviewCommand.Create());
        root.Add(CacheCommand.Create());
        root.Add(BenchCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; output and errors go to the given writers (the console by default).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        return Build().Parse(args).Invoke(configuration);
    }

    /// <summary>Runs a command body, turning the errors a user can fix into one clear line and exit code 1.</summary>
    public static int Guard(ParseResult parseResult, string command, Action<TextWriter, TextWriter> body)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            // The library's own lines (Found ..., warnings) go to this command's writers, not the process console.
            using (Keras.Preprocessing.Memory.KerasLogging.Use(new TextWriterLogger(output, error)))
            {
                body(output, error);
            }

            return 0;
        }
        catch (Exception e) when (e is UsageException or ArgumentException or IOException or UnauthorizedAccessException or InvalidDataException
            or Keras.Preprocessing.Memory.DecompressionBombException)
        {
            error.WriteLine($"kerasmem {command}: error: {e.Message}");
            return 1;
        }
    }
}
