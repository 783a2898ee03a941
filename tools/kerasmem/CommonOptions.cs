using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace KerasMem;

/// <summary>Options several commands share, with validation that names the option.</summary>
internal static class CommonOptions
{
    public static Option<ImageSize?> TargetSize(string name, string description, string? defaultValue)
    {
        var option = new Option<ImageSize?>(name)
        {
            Description = description,
            HelpName = "HxW",
            CustomParser = result => ParseSize(result, name),
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => ImageSize.Parse(defaultValue);
        }

        return option;
    }

    public static Option<int> AtLeast(string name, int minimum, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            // A token that is not a number is already a parse error; reading it as an int here would throw.
            if (result.Tokens.Count > 0 && !int.TryParse(result.Tokens[^1].Value, out _))
            {
                return;
            }

            int value = result.GetValueOrDefault<int>();
            if (value < minimum)
            {
                result.AddError($"{name} must be at least {minimum}; got {value}.");
            }
        });
        return option;
    }

    public static Option<string> ExistingDirectory(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, Required = true, HelpName = "DIR" };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not null && !Directory.Exists(value))
            {
                result.AddError($"{name}: directory not found: {value}");
            }
        });
        return option;
    }

    public static Option<string> ExistingFile(string name, string description, bool required)
    {
        var option = new Option<string>(name) { Description = description, Required = required, HelpName = "FILE" };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not null && !File.Exists(value))
            {
                result.AddError($"{name}: file not found: {value}");
            }
        });
        return option;
    }

    public static Option<string> ColorMode() => new Option<string>("--color-mode")
    {
        Description = "Keras color_mode: rgb, grayscale or rgba.",
        DefaultValueFactory = _ => "rgb",
    }.AcceptOnlyFromAmong("rgb", "grayscale", "rgba");

    public static Option<string> Interpolation() => new Option<string>("--interpolation")
    {
        Description = "How images are resized to --target-size: PIL's filters, as Keras's load_img uses them (default nearest).",
        DefaultValueFactory = _ => "nearest",
    }.AcceptOnlyFromAmong("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming");

    private static ImageSize? ParseSize(ArgumentResult result, string name)
    {
        string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (ImageSize.TryParse(text, out var size))
        {
            return size;
        }

        result.AddError($"{name} must be HxW with positive integers, like 224x224; got '{text}'.");
        return null;
    }
}

/// <summary>A Keras <c>target_size</c>: (height, width).</summary>
internal readonly record struct ImageSize(int Height, int Width)
{
    public static ImageSize Parse(string text) => TryParse(text, out var size) ? size : throw new FormatException(text);

    public static bool TryParse(string text, out ImageSize size)
    {
        size = default;
        var parts = text.Split('x', 'X', ',');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && h > 0 && w > 0 && (long)h * w <= 1 << 28)
        {
            size = new ImageSize(h, w);
            return true;
        }

        return false;
    }

    public override string ToString() => $"{Height}x{Width}";
}
