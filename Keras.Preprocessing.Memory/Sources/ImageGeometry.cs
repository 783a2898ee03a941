using Keras.Preprocessing.Memory.Parameters;

namespace Keras.Preprocessing.Memory.Sources;

/// <summary>
/// The shape of one image and the element strides that address it, for either data format:
/// element (r, c, ch) sits at r·RowStride + c·PixelStride + ch·ChannelStride.
/// </summary>
internal readonly struct ImageGeometry
{
    /// <summary>Creates the geometry of a rows × cols image with the given channels and layout.</summary>
    public ImageGeometry(int rows, int cols, int channels, DataFormat layout)
    {
        Rows = rows;
        Cols = cols;
        Channels = channels;
        IsChannelsFirst = layout == DataFormat.ChannelsFirst ? 1 : 0;
        bool first = layout == DataFormat.ChannelsFirst;
        PixelStride = first ? 1 : channels;
        RowStride = first ? cols : cols * channels;
        ChannelStride = first ? rows * cols : 1;
    }

    /// <summary>Image height.</summary>
    public readonly int Rows;

    /// <summary>Image width.</summary>
    public readonly int Cols;

    /// <summary>Number of channels.</summary>
    public readonly int Channels;

    /// <summary>1 for channels_first (planar) images.</summary>
    public readonly int IsChannelsFirst;

    /// <summary>Elements between horizontally adjacent pixels.</summary>
    public readonly int PixelStride;

    /// <summary>Elements between vertically adjacent pixels.</summary>
    public readonly int RowStride;

    /// <summary>Elements between channels of one pixel.</summary>
    public readonly int ChannelStride;

    /// <summary>Elements in one image.</summary>
    public int Size => Rows * Cols * Channels;

    /// <summary>The channel of element <paramref name="element"/> (an offset within one image).</summary>
    public int ChannelOf(long element) => (int)(ChannelStride == 1 ? element % Channels : element / ChannelStride);

    /// <summary>The data format.</summary>
    public DataFormat Layout => IsChannelsFirst != 0 ? DataFormat.ChannelsFirst : DataFormat.ChannelsLast;

    /// <summary>The image's shape as Keras writes it for this data format.</summary>
    public int[] Shape => IsChannelsFirst != 0 ? [Channels, Rows, Cols] : [Rows, Cols, Channels];

    /// <summary>The geometry of one image of shape <paramref name="shape"/> (rank 3).</summary>
    internal static ImageGeometry FromImageShape(ReadOnlySpan<int> shape, DataFormat layout) => layout == DataFormat.ChannelsFirst
        ? new ImageGeometry(shape[1], shape[2], shape[0], layout)
        : new ImageGeometry(shape[0], shape[1], shape[2], layout);
}
