namespace KerasMem;

/// <summary>A one-line console progress bar, <c>label [#####-----] 50% 128/256</c>, redrawn only when the percentage changes.</summary>
internal sealed class ProgressBar(TextWriter writer, string label, long total)
{
    private const int Width = 30;
    private int _lastPercent = -1;

    public void Report(long done)
    {
        int percent = total <= 0 ? 100 : (int)(Math.Clamp(done, 0, total) * 100 / total);
        if (percent == _lastPercent)
        {
            return;
        }

        _lastPercent = percent;
        int filled = percent * Width / 100;
        writer.Write($"\r{label} [{new string('#', filled)}{new string('-', Width - filled)}] {percent,3}% {done}/{total}");
        if (done >= total)
        {
            writer.WriteLine();
        }

        writer.Flush();
    }
}
