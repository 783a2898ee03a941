using System.Numerics;
using System.Numerics.Tensors;
using NumSharp;

namespace Keras.Preprocessing.Memory.Image;

/// <summary>The NDArray side of <c>img_to_array</c> and <c>array_to_img</c>.</summary>
internal static class ImageArrays
{
    public static NDArray ToNDArray(KerasImage image, bool channelsFirst, NPTypeCode type)
    {
        int h = image.height, w = image.width, c = image.channels;
        Shape shape = channelsFirst ? new Shape(c, h, w) : new Shape(h, w, c);
        if (type is NPTypeCode.Boolean or NPTypeCode.Complex)
        {
            // Not plain numbers: let NumSharp do numpy's cast from uint8.
            using var bytes = ToNDArray(image, channelsFirst, NPTypeCode.Byte);
            return bytes.astype(type, true);
        }

        // NumSharp's pooled, uninitialised storage: every element is written below.
        var result = new NDArray(type, shape, false);
        try
        {
            ReadOnlySpan<byte> pixels = image.pixels;
            switch (type)
            {
                case NPTypeCode.Single: Widen(pixels, result.Unsafe.Storage.AsSpan<float>(), c, channelsFirst); break;
                case NPTypeCode.Double: Widen(pixels, result.Unsafe.Storage.AsSpan<double>(), c, channelsFirst); break;
                case NPTypeCode.Half: Widen(pixels, result.Unsafe.Storage.AsSpan<Half>(), c, channelsFirst); break;
                case NPTypeCode.Byte: Widen(pixels, result.Unsafe.Storage.AsSpan<byte>(), c, channelsFirst); break;
                case NPTypeCode.SByte: Widen(pixels, result.Unsafe.Storage.AsSpan<sbyte>(), c, channelsFirst); break;
                case NPTypeCode.Int16: Widen(pixels, result.Unsafe.Storage.AsSpan<short>(), c, channelsFirst); break;
                case NPTypeCode.UInt16: Widen(pixels, result.Unsafe.Storage.AsSpan<ushort>(), c, channelsFirst); break;
                case NPTypeCode.Int32: Widen(pixels, result.Unsafe.Storage.AsSpan<int>(), c, channelsFirst); break;
                case NPTypeCode.UInt32: Widen(pixels, result.Unsafe.Storage.AsSpan<uint>(), c, channelsFirst); break;
                case NPTypeCode.Int64: Widen(pixels, result.Unsafe.Storage.AsSpan<long>(), c, channelsFirst); break;
                case NPTypeCode.UInt64: Widen(pixels, result.Unsafe.Storage.AsSpan<ulong>(), c, channelsFirst); break;
                default: throw new ArgumentException($"Unsupported dtype for img_to_array: {type}", nameof(type));
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Widens interleaved bytes into <paramref name="values"/>, optionally reordered to planar (C, H, W).</summary>
    private static void Widen<T>(ReadOnlySpan<byte> pixels, Span<T> values, int channels, bool channelsFirst)
        where T : unmanaged, INumberBase<T>
    {
        if (!channelsFirst || channels == 1)
        {
            TensorPrimitives.ConvertTruncating(pixels, values);
            return;
        }
        int plane = pixels.Length / channels;
        for (int ch = 0; ch < channels; ch++)
        {
            Span<T> dst = values.Slice(ch * plane, plane);
            for (int p = 0, s = ch; p < plane; p++, s += channels)
            {
                dst[p] = T.CreateTruncating(pixels[s]);
            }
        }
    }

    /// <summary>
    /// <c>array_to_img</c> after <c>np.asarray(x, dtype)</c>: optional Keras scaling done in
    /// <typeparamref name="T"/> arithmetic step by step as numpy does, then numpy's uint8 cast.
    /// </summary>
    public static KerasImage FromNDArray<T>(NDArray x, bool channelsFirst, bool scale, NPTypeCode type)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = (int)(channelsFirst ? x.shape[0] : x.shape[2]);
        int h = (int)(channelsFirst ? x.shape[1] : x.shape[0]);
        int w = (int)(channelsFirst ? x.shape[2] : x.shape[1]);
        ImageMode mode = ImageModes.FromChannels(c);
        if ((long)h * w * c > Array.MaxLength || h == 0 || w == 0)
        {
            throw new ArgumentException($"Cannot make an image from an array with shape: ({string.Join(", ", x.shape)})", nameof(x));
        }

        NDArray? converted = null;
        try
        {
            Span<T> values;
            if (x.typecode == type && x.Shape.IsContiguous)
            {
                values = x.Unsafe.Storage.AsSpan<T>();
            }
            else
            {
                converted = x.astype(type, true, 'C', "unsafe");
                values = converted.Unsafe.Storage.AsSpan<T>();
            }
            byte[] pixels = GC.AllocateUninitializedArray<byte>(values.Length);
            Quantize(values, pixels, scale, channelsFirst ? c : 1, h * w);
            return new KerasImage(pixels, w, h, mode);
        }
        finally
        {
            converted?.Dispose();
        }
    }

    /// <param name="values">Input in C order.</param>
    /// <param name="pixels">Interleaved output.</param>
    /// <param name="scale">Keras's <c>scale</c> flag.</param>
    /// <param name="planes">Channel count when <paramref name="values"/> is planar (C, H, W); 1 when already interleaved.</param>
    /// <param name="plane">Pixels per plane.</param>
    private static void Quantize<T>(ReadOnlySpan<T> values, Span<byte> pixels, bool scale, int planes, int plane)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T shift = T.Zero, divisor = T.One, factor = T.One;
        bool divide = false;
        if (scale)
        {
            // keras_preprocessing: x = x + max(-np.min(x), 0); x /= np.max(x) unless 0; x *= 255.
            T negatedMin = -NanMin(values);
            shift = T.Zero > negatedMin ? T.Zero : negatedMin; // Python's max(a, 0) keeps a when a is NaN
            divisor = NanMaxShifted(values, shift);
            divide = divisor != T.Zero;
            factor = T.CreateTruncating(255);
        }

        if (planes == 1)
        {
            for (int i = 0; i < values.Length; i++)
            {
                pixels[i] = ToByte(values[i], scale, shift, divide, divisor, factor);
            }
            return;
        }
        // Planar (C, H, W) input lands at its interleaved position.
        for (int ch = 0; ch < planes; ch++)
        {
            ReadOnlySpan<T> source = values.Slice(ch * plane, plane);
            for (int p = 0, target = ch; p < plane; p++, target += planes)
            {
                pixels[target] = ToByte(source[p], scale, shift, divide, divisor, factor);
            }
        }
    }

    private static byte ToByte<T>(T v, bool scale, T shift, bool divide, T divisor, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (scale)
        {
            // One rounding per numpy operation, in the array's own precision.
            v += shift;
            if (divide)
            {
                v /= divisor;
            }
            v *= factor;
        }
        return NumpyCast.ToUInt8(double.CreateTruncating(v));
    }

    private static T NanMin<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T min = T.PositiveInfinity;
        foreach (T v in values)
        {
            if (T.IsNaN(v))
            {
                return v;
            }
            if (v < min)
            {
                min = v;
            }
        }
        return min;
    }

    private static T NanMaxShifted<T>(ReadOnlySpan<T> values, T shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        foreach (T raw in values)
        {
            T v = raw + shift;
            if (T.IsNaN(v))
            {
                return v;
            }
            if (v > max)
            {
                max = v;
            }
        }
        return max;
    }
}
