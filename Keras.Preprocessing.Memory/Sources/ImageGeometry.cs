using Keras.Preprocessing.Memory.Parameters;

namespace Keras.Preprocessing.Memory.Sources;

/// <summary>
/// The shape of one image and the element strides that address it, for either data format:
/// element (r, c, ch) sits at r·RowStride + c·PixelStride + ch·ChannelStride.
/// </summary>
internal readonly struct ImageGeometry
{
    /// <summary>Creates the geometry of a rows × cols image with the given channels and layout.</summary>
    /// <exception cref="ArgumentException">
    /// rows × cols × channels (computed in 64 bits) is more elements than one image may hold: the kernels address an
    /// image's elements with 32-bit offsets and a .NET array holds at most <see cref="Array.MaxLength"/> elements.
    /// </exception>
    public ImageGeometry(int rows, int cols, int channels, DataFormat layout)
    {
        CheckElements(rows, cols, channels, "shape");
        Rows = rows;
        Cols = cols;
        Channels = channels;
        IsChannelsFirst = layout == DataFormat.ChannelsFirst ? 1 : 0;
        bool first = layout == DataFormat.ChannelsFirst;
        PixelStride = first ? 1 : channels;
        RowStride = first ? cols : cols * channels;
        ChannelStride = first ? rows * cols : 1;
    }

    /// <summary>The most elements one image (and one batch buffer) may hold: .NET's largest array.</summary>
    public static long MaxElements => Array.MaxLength;

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

    /// <summary>
    /// Elements in <paramref name="images"/> images (a batch buffer's length), computed in 64 bits; more than one
    /// array can hold is refused naming <paramref name="parameterName"/>.
    /// </summary>
    internal int ElementsFor(long images, string parameterName = "batch_size")
    {
        long elements = images * Size;
        return elements <= MaxElements
            ? (int)elements
            : throw new ArgumentException(
                $"{images} images of shape {Shapes.Format(Shape)} are {elements} elements, more than one buffer can hold " +
                $"({MaxElements}). Use a smaller `{parameterName}`.",
                parameterName);
    }

    /// <summary>The channel of element <paramref name="element"/> (an offset within one image).</summary>
    public int ChannelOf(long element) => (int)(ChannelStride == 1 ? element % Channels : element / ChannelStride);

    /// <summary>The data format.</summary>
    public DataFormat Layout => IsChannelsFirst != 0 ? DataFormat.ChannelsFirst : DataFormat.ChannelsLast;

    /// <summary>The image's shape as Keras writes it for this data format.</summary>
    public int[] Shape => IsChannelsFirst != 0 ? [Channels, Rows, Cols] : [Rows, Cols, Channels];

    /// <summary>The geometry of one image of shape <paramref name="shape"/> (rank 3).</summary>
    internal static ImageGeometry FromImageShape(ReadOnlySpan<int> shape, DataFormat layout, string parameterName = "x")
    {
        bool first = layout == DataFormat.ChannelsFirst;
        int rows = first ? shape[1] : shape[0], cols = first ? shape[2] : shape[1], channels = first ? shape[0] : shape[2];
        CheckElements(rows, cols, channels, parameterName);
        return new ImageGeometry(rows, cols, channels, layout);
    }

    /// <summary>Refuses an image whose element count, computed in 64 bits, cannot be addressed.</summary>
    internal static void CheckElements(int rows, int cols, int channels, string parameterName)
    {
        long elements = (long)Math.Max(rows, 0) * Math.Max(cols, 0) * Math.Max(channels, 0);
        if (elements > MaxElements)
        {
            // An int product would wrap here, undersize the batch buffer and let the warp write past it.
            throw new ArgumentException(
                $"`{parameterName}`: an image of {rows} rows × {cols} columns × {channels} channels has {elements} elements; " +
                $"at most {MaxElements} can be addressed per image. Resize the images (target_size) or split them into tiles.",
                parameterName);
        }
    }
}
