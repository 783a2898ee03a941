namespace Keras.Preprocessing.Memory.Parameters;

/// <summary>Where the channel axis sits in an image (Keras <c>data_format</c>).</summary>
internal enum DataFormat
{
    /// <summary><c>"channels_last"</c>: images are (rows, cols, channels).</summary>
    ChannelsLast = 0,

    /// <summary><c>"channels_first"</c>: images are (channels, rows, cols).</summary>
    ChannelsFirst = 1,
}

/// <summary>Parses and prints the Keras spellings of <see cref="DataFormat"/>.</summary>
internal static class DataFormats
{
    /// <summary>Parses a Keras <c>data_format</c>; <c>null</c> means Keras's default, channels_last.</summary>
    public static DataFormat Parse(string? value, string parameterName = "data_format") => value switch
    {
        null or "channels_last" => DataFormat.ChannelsLast,
        "channels_first" => DataFormat.ChannelsFirst,
        _ => throw new ArgumentException(
            "`data_format` should be `\"channels_last\"` (channel after row and column) or " +
            $"`\"channels_first\"` (channel before row and column). Received: {value}",
            parameterName),
    };

    /// <summary>The Keras name of a data format.</summary>
    public static string ToKerasName(this DataFormat format) =>
        format == DataFormat.ChannelsFirst ? "channels_first" : "channels_last";
}
