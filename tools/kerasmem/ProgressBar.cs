namespace KerasMem;

/// <summary>
/// A one-line progress bar, <c>label [#####-----] 50% 128/256</c>. On a terminal it is redrawn in place (with
/// <c>\r</c>) whenever the percentage changes; when standard error is redirected to a file or a pipe (a CI log),
/// or the writer is not the console, it writes a plain line at each quarter instead, so a log gets at most four lines.
/// </summary>
internal sealed class ProgressBar(TextWriter writer, string label, long total, bool? interactive = null)
{
    private const int Width = 30;
    private readonly bool _interactive = interactive ?? (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);
    private int _lastPercent = -1;

    public void Report(long done)
    {
        int percent = total <= 0 ? 100 : (int)(Math.Clamp(done, 0, total) * 100 / total);
        int step = _interactive ? percent : percent / 25 * 25;
        if (step == _lastPercent || (!_interactive && step == 0))
        {
            return;
        }

        _lastPercent = step;
        if (!_interactive)
        {
            writer.WriteLine($"{label}: {percent}% {Math.Clamp(done, 0, Math.Max(total, 0))}/{total}");
            writer.Flush();
            return;
        }

        int filled = percent * Width / 100;
        writer.Write($"\r{label} [{new string('#', filled)}{new string('-', Width - filled)}] {percent,3}% {done}/{total}");
        if (done >= total)
        {
            writer.WriteLine();
        }

        writer.Flush();
    }
}
