using Keras.Preprocessing.Memory.Image;
using Keras.Preprocessing.Memory.Parameters;

namespace Keras.Preprocessing.Memory.Sources;

/// <summary>
/// Decodes samples the way Keras's <c>load_img</c> + <c>img_to_array</c> do (colour mode, resize to the target
/// size with the chosen filter) straight into uint8 slots of a batch or cache, in the generator's data format.
/// </summary>
internal sealed class ImageDecoding
{
    private readonly LoadRequest _request;

    public ImageDecoding(string colorMode, (int Height, int Width) targetSize, string interpolation, bool keepAspectRatio, DataFormat layout)
    {
        _request = LoadRequest.Create(false, colorMode, targetSize, interpolation, keepAspectRatio);
        int channels = ImageModes.ParseColorMode(colorMode, "color_mode").Channels();
        Geometry = new ImageGeometry(targetSize.Height, targetSize.Width, channels, layout);
    }

    /// <summary>The shape every decoded image has.</summary>
    public ImageGeometry Geometry { get; }

    /// <summary>Decodes one sample into <paramref name="slot"/> (Geometry.Size bytes); throws naming the sample on failure.</summary>
    public void DecodeInto(in ImageSample sample, Span<byte> slot)
    {
        var encoded = sample.Read();
        var image = _request.Load(encoded.Span, sample.Name);
        var g = Geometry;
        if (image.width != g.Cols || image.height != g.Rows || image.channels != g.Channels)
        {
            throw new ImageDecodeException(
                $"Decoded image {sample.Name} is {image.width}x{image.height}x{image.channels}, expected {g.Cols}x{g.Rows}x{g.Channels}.", sample.Name);
        }

        if (g.IsChannelsFirst == 0)
        {
            image.pixels.AsSpan(0, g.Size).CopyTo(slot);
            return;
        }

        // Interleaved HWC from the decoder to planar CHW, as img_to_array(data_format="channels_first") transposes.
        int plane = g.Rows * g.Cols;
        for (int p = 0; p < plane; p++)
        {
            for (int ch = 0; ch < g.Channels; ch++)
            {
                slot[(ch * plane) + p] = image.pixels[(p * g.Channels) + ch];
            }
        }
    }
}
