using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace KerasMemory.Bench;

/// <summary>
/// The Python peers (bench/peers.py --serve) in one long-lived interpreter, driven one JSON line at a time, so the
/// bench can interleave its repetitions with ours and the imports are paid once.
/// </summary>
internal sealed class PeerClient : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private PeerClient(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The script shipped next to the bench binary.</summary>
    public static string Script => Path.Combine(AppContext.BaseDirectory, "peers.py");

    /// <summary>Starts the peers, or returns null with the reason when Python, Keras or OpenCV is missing.</summary>
    public static PeerClient? TryStart(string python, out string? error)
    {
        try
        {
            var process = Process.Start(StartInfo(python, "--serve", redirectInput: true))
                ?? throw new InvalidOperationException($"could not start {python}");
            var client = new PeerClient(process);
            client.Call(new JsonObject { ["op"] = "versions" });
            error = null;
            return client;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>A process running peers.py with these arguments, stdout captured.</summary>
    public static ProcessStartInfo StartInfo(string python, string arguments, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Script);
        foreach (string a in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        return info;
    }

    /// <summary>Sends one command and returns its answer; an answer carrying "error" throws.</summary>
    public JsonObject Call(JsonObject command)
    {
        _process.StandardInput.WriteLine(command.ToJsonString());
        _process.StandardInput.Flush();
        string? line = _process.StandardOutput.ReadLine();
        if (line is null)
        {
            string err;
            lock (_stderr)
            {
                err = _stderr.ToString();
            }

            throw new InvalidOperationException($"peers.py exited: {err.Trim()}");
        }

        var reply = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidOperationException($"peers.py sent: {line}");
        if (reply["error"] is { } e)
        {
            throw new InvalidOperationException($"peers.py {command["op"]}: {e}");
        }

        return reply;
    }

    /// <summary>Seconds and images of one timed run ("keras", "keras_zca" or "opencv" on <paramref name="threads"/> threads).</summary>
    public (double Seconds, long Images) Time(string op, string name, int batch, int seed, int? batches = null, double minSeconds = 0, int threads = 1)
    {
        var command = new JsonObject { ["op"] = op, ["name"] = name, ["batch"] = batch, ["seed"] = seed, ["min_seconds"] = minSeconds, ["threads"] = threads };
        if (batches is { } b)
        {
            command["batches"] = b;
        }

        var reply = Call(command);
        return (reply["seconds"]!.GetValue<double>(), reply["images"]!.GetValue<long>());
    }

    /// <summary>Runs a one-shot peers.py command in a fresh process and parses its single JSON line.</summary>
    public static JsonObject RunOnce(string python, string arguments)
    {
        using var process = Process.Start(StartInfo(python, arguments)) ?? throw new InvalidOperationException($"could not start {python}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string? last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || last is null)
        {
            throw new InvalidOperationException($"peers.py {arguments} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }

        return JsonNode.Parse(last)?.AsObject() ?? throw new InvalidOperationException($"peers.py sent: {last}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine(new JsonObject { ["op"] = "quit" }.ToJsonString());
                _process.StandardInput.Close();
                if (!_process.WaitForExit(5000))
                {
                    _process.Kill();
                }
            }
        }
        catch (IOException)
        {
            // Already gone: nothing to shut down.
        }

        _process.Dispose();
    }

    /// <summary>Pretty versions for the report.</summary>
    public string Versions()
    {
        var v = Call(new JsonObject { ["op"] = "versions" });
        return string.Join(", ", v.Select(p => $"{p.Key} {p.Value}"));
    }
}
