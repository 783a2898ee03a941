using SkiaSharp;

namespace KerasMem;

/// <summary>
/// Captions a preview contact sheet written by <c>Preview.preview_grid</c>: "original" over the first column,
/// "augmented" over the others, and each row's file (its class folder included) in a band on the left.
/// </summary>
internal static class GridCaptions
{
    /// <summary>
    /// Redraws the PNG at <paramref name="path"/> with captions. Returns false (the sheet left as it was) when no
    /// font with glyphs is available: SkiaSharp's self-contained native library uses the system's fonts.
    /// </summary>
    public static bool Draw(string path, int rows, int cols, ImageSize tile, int padding, IReadOnlyList<string> rowLabels)
    {
        using var typeface = SKTypeface.Default;
        if (typeface is null || typeface.GlyphCount == 0)
        {
            return false;
        }

        using var sheet = SKBitmap.Decode(path);
        if (sheet is null)
        {
            return false;
        }

        float size = Math.Clamp(tile.Height / 5f, 10f, 14f);
        using var font = new SKFont(typeface, size);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        int header = (int)Math.Ceiling(size * 1.6f);
        const int MaxLabel = 220;
        float widest = rowLabels.Count == 0 ? 0 : rowLabels.Max(l => font.MeasureText(l));
        int left = (int)Math.Ceiling(Math.Min(widest, MaxLabel)) + (2 * padding) + 6;

        var info = new SKImageInfo(sheet.Width + left, sheet.Height + header, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.DrawBitmap(sheet, left, header);

        float baseline = header - (size * 0.45f);
        float Column(int c) => left + padding + (c * (tile.Width + padding));
        Centred(canvas, "original", Column(0), tile.Width, baseline, font, ink);
        if (cols > 1)
        {
            Centred(canvas, "augmented", Column(1), Column(cols - 1) + tile.Width - Column(1), baseline, font, ink);
        }

        for (int r = 0; r < rows && r < rowLabels.Count; r++)
        {
            string label = Fit(rowLabels[r], font, MaxLabel);
            float top = header + padding + (r * (tile.Height + padding));
            canvas.DrawText(label, padding + 2, top + (tile.Height / 2f) + (size / 3f), SKTextAlign.Left, font, ink);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
        return true;
    }

    private static void Centred(SKCanvas canvas, string text, float x, float width, float baseline, SKFont font, SKPaint ink)
    {
        string fitted = Fit(text, font, width);
        canvas.DrawText(fitted, x + (width / 2f), baseline, SKTextAlign.Center, font, ink);
    }

    // Keeps the end of a long label (the file name), cutting its start: "…s/cat/cat_0001.png".
    private static string Fit(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width)
        {
            return text;
        }

        for (int start = 1; start < text.Length; start++)
        {
            string cut = "…" + text[start..];
            if (font.MeasureText(cut) <= width)
            {
                return cut;
            }
        }

        return "";
    }
}
