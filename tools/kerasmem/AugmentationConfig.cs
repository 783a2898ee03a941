using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Keras.Preprocessing.Memory;
using Keras.Preprocessing.Memory.Parameters;

namespace KerasMem;

/// <summary>
/// An aug.json file: ImageDataGenerator keyword arguments by their Keras names, e.g.
/// <c>{"rotation_range": 20, "width_shift_range": 0.1, "zoom_range": [0.9, 1.2], "horizontal_flip": true, "rescale": "1/255"}</c>.
/// The keys are matched against the constructor's own parameters, so every Keras argument is accepted with its
/// Keras default; an ints-only literal stays an int (a pixel count for shift ranges), as in Python.
/// </summary>
internal static class AugmentationConfig
{
    private static readonly ConstructorInfo Constructor = typeof(ImageDataGenerator).GetConstructors()
        .OrderByDescending(c => c.GetParameters().Length).First();

    public static ImageDataGenerator Load(string? path, string option = "--config")
    {
        if (path is null)
        {
            return new ImageDataGenerator();
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new UsageException($"{option}: cannot read {path}: {e.Message}");
        }

        return Parse(text, $"{option} {path}");
    }

    public static ImageDataGenerator Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source}: not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"{source}: expected a JSON object of ImageDataGenerator arguments, like {{\"rotation_range\": 20}}.");
            }

            var parameters = Constructor.GetParameters();
            var args = parameters.Select(DefaultOf).ToArray();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                int index = Array.FindIndex(parameters, p => p.Name == property.Name);
                if (index < 0)
                {
                    throw new UsageException(
                        $"{source}: unknown ImageDataGenerator argument '{property.Name}'. Known: {string.Join(", ", parameters.Select(p => p.Name))}.");
                }

                args[index] = Convert(property.Value, parameters[index].ParameterType, property.Name, source);
            }

            try
            {
                return (ImageDataGenerator)Constructor.Invoke(args);
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner)
            {
                throw new UsageException($"{source}: {inner.Message}");
            }
        }
    }

    private static object? DefaultOf(ParameterInfo p) => p.DefaultValue is not (null or DBNull)
        ? p.DefaultValue
        : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null;

    private static object? Convert(JsonElement value, Type type, string name, string source)
    {
        try
        {
            return type switch
            {
                _ when type == typeof(bool) => value.GetBoolean(),
                _ when type == typeof(int) => value.GetInt32(),
                _ when type == typeof(double) => value.GetDouble(),
                _ when type == typeof(string) => value.GetString(),
                _ when type == typeof(double?) => value.ValueKind == JsonValueKind.Null ? null : Number(value),
                _ when type == typeof(ShiftRange) => Shift(value),
                _ when type == typeof(ZoomRange) => value.ValueKind == JsonValueKind.Array ? (ZoomRange)Doubles(value) : (ZoomRange)value.GetDouble(),
                _ when type == typeof(BrightnessRange?) => value.ValueKind == JsonValueKind.Null ? null : (object)(BrightnessRange)Doubles(value),
                _ => throw new UsageException($"{source}: '{name}' cannot be given in JSON (it takes a {type.Name})."),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new UsageException($"{source}: '{name}' has the wrong kind of value ({value.GetRawText()}): {e.Message}");
        }
    }

    /// <summary>A number, or a fraction written as text ("1/255"), since Keras configs say rescale=1./255.</summary>
    private static double Number(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var parts = value.GetString()!.Split('/');
            if (parts.Length == 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b))
            {
                return a / b;
            }

            throw new FormatException("expected a number or a fraction like \"1/255\"");
        }

        return value.GetDouble();
    }

    private static ShiftRange Shift(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            return value.EnumerateArray().All(IsIntegerLiteral)
                ? value.EnumerateArray().Select(e => e.GetInt32()).ToArray()
                : Doubles(value);
        }

        return IsIntegerLiteral(value) ? (ShiftRange)value.GetInt32() : (ShiftRange)value.GetDouble();
    }

    private static bool IsIntegerLiteral(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.GetRawText().All(c => char.IsAsciiDigit(c) || c == '-');

    private static double[] Doubles(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? value.EnumerateArray().Select(e => e.GetDouble()).ToArray()
        : throw new FormatException("expected a list of numbers");
}
