using System.Text.Json;

namespace Keras.Preprocessing.Memory.Tests.Porting;

/// <summary>Fixtures/porting/manifest.json, written by Fixtures/porting/generate_porting.py from the Python reference.</summary>
internal static class PortingFixture
{
    private static readonly Lazy<JsonElement> LazyManifest = new(() =>
    {
        using var stream = File.OpenRead(Path.Combine(Root, "manifest.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    });

    public static string Root => Path.Combine(Fixture.Root, "porting");

    /// <summary>The multi-label CSV (Python list literals, as pandas writes a list column) and the PNGs it names.</summary>
    public static string Genres => Path.Combine(Root, "genres");

    public static JsonElement Get(string key) => LazyManifest.Value.GetProperty(key);

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    public static Dictionary<string, int> ClassIndices(JsonElement e) => e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    /// <summary>A JSON matrix (list of rows) flattened row by row.</summary>
    public static double[] Flat(JsonElement matrix) => matrix.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();

    /// <summary>
    /// The pseudo-random float32 dataset of the mean rows: 1000 x 30 x 30 x 3 values, v[i] = splitmix64(i) >> 11
    /// scaled by 2^-53, rounded to float32 (the same formula as generate_porting.py).
    /// </summary>
    public static float[] SplitMixData()
    {
        const int n = 1000 * 30 * 30 * 3;
        var data = new float[n];
        for (long i = 0; i < n; i++)
        {
            ulong z = unchecked(((ulong)i + 1) * 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            z ^= z >> 31;
            data[i] = (float)((z >> 11) * (1.0 / (1UL << 53)));
        }

        return data;
    }
}
