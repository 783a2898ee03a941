using System.Text.Json;

namespace Keras.Preprocessing.Memory.Tests.Compat;

/// <summary>Reads Fixtures/compat/manifest.json, written by Fixtures/compat/generate_compat.py from keras_preprocessing 1.1.0.</summary>
internal static class CompatFixtures
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        using var stream = File.OpenRead(Path.Combine(Fixture.Root, "compat", "manifest.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    });

    public static JsonElement Group(string group) => Root.Value.GetProperty(group);

    public static IEnumerable<object[]> Names(string group) =>
        Group(group).EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    public static JsonElement Case(string group, string name) =>
        Group(group).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>An ImageDataGenerator with the recorded Keras arguments (the subset the compat cases use).</summary>
    public static ImageDataGenerator Generator(JsonElement arguments, string dtype = "float32")
    {
        double? Number(string key) => arguments.TryGetProperty(key, out var v) ? v.GetDouble() : null;
        bool Flag(string key) => arguments.TryGetProperty(key, out var v) && v.GetBoolean();
        double[]? Pair(string key) => arguments.TryGetProperty(key, out var v) ? v.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;
        string? Text(string key) => arguments.TryGetProperty(key, out var v) ? v.GetString() : null;

        return new ImageDataGenerator(
            featurewise_center: Flag("featurewise_center"),
            samplewise_center: Flag("samplewise_center"),
            featurewise_std_normalization: Flag("featurewise_std_normalization"),
            samplewise_std_normalization: Flag("samplewise_std_normalization"),
            zoom_range: Pair("zoom_range") is { } zoom ? zoom : 0.0,
            brightness_range: Pair("brightness_range") is { } brightness ? (BrightnessRange?)brightness : null,
            fill_mode: Text("fill_mode") ?? "constant",
            cval: Number("cval") ?? 0,
            rescale: Number("rescale"),
            data_format: Text("data_format") ?? "channels_last",
            interpolation_order: (int)(Number("interpolation_order") ?? 1),
            validation_split: Number("validation_split") ?? 0,
            dtype: dtype);
    }
}
