namespace Keras.Preprocessing.Memory.Image;

/// <summary>Storage for <see cref="ImageUtils.max_image_pixels"/>; a plain long so reads are atomic.</summary>
internal static class PixelLimit
{
    /// <summary>PIL's <c>Image.MAX_IMAGE_PIXELS</c>: 1024 * 1024 * 1024 // 4 // 3.</summary>
    public const long Default = 89_478_485;

    private const long Disabled = -1;

    private static long _limit = Default;

    public static long? Value
    {
        get
        {
            long value = Volatile.Read(ref _limit);
            return value == Disabled ? null : value;
        }
        set
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "max_image_pixels must be positive, or null to disable the check.");
            }
            Volatile.Write(ref _limit, value ?? Disabled);
        }
    }

    public static void Check(int width, int height, string source)
    {
        long limit = Volatile.Read(ref _limit);
        if (limit != Disabled && (long)width * height > limit)
        {
            throw new DecompressionBombException(source, width, height, limit);
        }
    }
}
