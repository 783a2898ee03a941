using System.Text.Json;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests;

/// <summary>Reads the golden fixtures that Fixtures/generate.py made with the Python reference.</summary>
internal static class Fixture
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static NDArray Load(string relativePath) => (NDArray)np.load(Path.Combine(Root, relativePath));

    public static JsonElement[] Manifest(string group)
    {
        using var stream = File.OpenRead(Path.Combine(Root, group, "manifest.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static IEnumerable<object[]> Cases(string group) => Manifest(group).Select(c => new object[] { c.GetProperty("name").GetString()! });

    public static JsonElement Case(string group, string name) => Manifest(group).Single(c => c.GetProperty("name").GetString() == name);

    public static float[] Floats(NDArray a)
    {
        using var f = a.astype(NPTypeCode.Single);
        return f.ToArray<float>();
    }

    public static double[] Doubles(NDArray a)
    {
        using var d = a.astype(NPTypeCode.Double);
        return d.ToArray<double>();
    }

    /// <summary>Largest absolute difference, failing on shape mismatch.</summary>
    public static double MaxAbsDiff(NDArray actual, NDArray expected)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, "shape");
        var a = Doubles(actual);
        var e = Doubles(expected);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs(a[i] - e[i]);
            if (double.IsNaN(d))
            {
                return double.PositiveInfinity;
            }

            max = Math.Max(max, d);
        }

        return max;
    }

    public static object? JsonValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => e.GetString(),
        _ => throw new NotSupportedException(e.ValueKind.ToString()),
    };
}
