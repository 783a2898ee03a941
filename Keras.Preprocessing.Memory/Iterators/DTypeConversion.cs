using System.Numerics;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Iterators;

/// <summary>How float values become an integer dtype, as the two places Keras writes them do.</summary>
internal enum IntegerRounding
{
    /// <summary>
    /// numpy's unsafe cast (<c>batch_x[i] = x</c> of a float image, <c>np.asarray(x, dtype)</c>): toward zero, then
    /// wrapped modulo the type's range as C's conversion through int32 (int64 for the 32- and 64-bit types) does on x86.
    /// </summary>
    Truncate,

    /// <summary>
    /// scipy's <c>affine_transform</c> writing into an integer image: to nearest, halves away from zero, saturated to
    /// the type's range (bool: C's conversion to unsigned char, so True only from 1 up).
    /// </summary>
    Round,
}

/// <summary>
/// Converts float32 batches (and, at <c>flow</c>, the caller's images) to the generator's <c>dtype</c> with numpy's
/// and scipy's rounding. The kernels always compute in float32; this is the one place after them where a batch
/// takes another dtype, for the CPU and GPU engines alike.
/// </summary>
internal static class DTypeConversion
{
    private const double TwoTo31 = 2147483648.0;
    private const double TwoTo63 = 9223372036854775808.0;
    private const double TwoTo64 = 18446744073709551616.0;

    /// <summary>A batch of float32 values as <paramref name="dtype"/> (float32 itself is the caller's fast path).</summary>
    public static NDArray Convert(ReadOnlySpan<float> values, long[] shape, OutputDType dtype, IntegerRounding rounding) =>
        Convert<float>(values, new Shape(shape), dtype, rounding);

    /// <summary>Doubles as <paramref name="dtype"/>, with numpy's cast (<see cref="IntegerRounding.Truncate"/>).</summary>
    public static NDArray Convert(ReadOnlySpan<double> values, long[] shape, OutputDType dtype) =>
        Convert<double>(values, new Shape(shape), dtype, IntegerRounding.Truncate);

    /// <summary>
    /// Keras's <c>np.asarray(x, dtype)</c> on the images of <paramref name="source"/>, image by image (an image holds
    /// at most int.MaxValue elements, the whole array may hold more).
    /// </summary>
    public static unsafe NDArray ConvertImages(ImageArray source, OutputDType dtype)
    {
        var g = source.Geometry;
        long[] shape = [source.Count, .. g.Shape];
        var output = NumSharpCompat.NewArray(dtype.ToTypeCode(), new Shape(shape), fillZeros: false);
        int size = g.Size;
        for (int i = 0; i < source.Count; i++)
        {
            void* image = source.ImageAddress(i);
            var one = source.Kind switch
            {
                ElementKind.UInt8 => Convert<byte>(new ReadOnlySpan<byte>(image, size), new Shape(size), dtype, IntegerRounding.Truncate),
                ElementKind.UInt16 => Convert<ushort>(new ReadOnlySpan<ushort>(image, size), new Shape(size), dtype, IntegerRounding.Truncate),
                ElementKind.Int16 => Convert<short>(new ReadOnlySpan<short>(image, size), new Shape(size), dtype, IntegerRounding.Truncate),
                ElementKind.Int32 => Convert<int>(new ReadOnlySpan<int>(image, size), new Shape(size), dtype, IntegerRounding.Truncate),
                ElementKind.Float32 => Convert<float>(new ReadOnlySpan<float>(image, size), new Shape(size), dtype, IntegerRounding.Truncate),
                _ => Convert<double>(new ReadOnlySpan<double>(image, size), new Shape(size), dtype, IntegerRounding.Truncate),
            };
            using (one)
            {
                long bytes = (long)size * dtype.ElementSize();
                Buffer.MemoryCopy(one.Unsafe.Address, (byte*)output.Unsafe.Address + (i * bytes), bytes, bytes);
            }
        }

        return output;
    }

    private static NDArray Convert<T>(ReadOnlySpan<T> values, Shape shape, OutputDType dtype, IntegerRounding rounding)
        where T : unmanaged, INumberBase<T>
    {
        bool round = rounding == IntegerRounding.Round;
        return dtype switch
        {
            OutputDType.Float32 => new NDArray(Map(values, v => float.CreateTruncating(v)), shape),
            OutputDType.Float64 => new NDArray(Map(values, v => double.CreateTruncating(v)), shape),
            OutputDType.Float16 => new NDArray(Map(values, v => (Half)double.CreateTruncating(v)), shape),
            // numpy's astype(bool) is "not zero"; scipy writes (npy_bool)t, a C conversion to unsigned char, which truncates.
            OutputDType.Bool => new NDArray(Map(values, v => round ? unchecked((byte)ThroughInt32(v)) != 0 : !T.IsZero(v)), shape),
            OutputDType.UInt8 => new NDArray(Map(values, v => round ? (byte)Saturate(v, byte.MinValue, byte.MaxValue) : unchecked((byte)ThroughInt32(v))), shape),
            OutputDType.Int8 => new NDArray(Map(values, v => round ? (sbyte)Saturate(v, sbyte.MinValue, sbyte.MaxValue) : unchecked((sbyte)ThroughInt32(v))), shape),
            OutputDType.UInt16 => new NDArray(Map(values, v => round ? (ushort)Saturate(v, ushort.MinValue, ushort.MaxValue) : unchecked((ushort)ThroughInt32(v))), shape),
            OutputDType.Int16 => new NDArray(Map(values, v => round ? (short)Saturate(v, short.MinValue, short.MaxValue) : unchecked((short)ThroughInt32(v))), shape),
            OutputDType.Int32 => new NDArray(Map(values, v => round ? (int)Saturate(v, int.MinValue, int.MaxValue) : ThroughInt32(v)), shape),
            OutputDType.UInt32 => new NDArray(Map(values, v => round ? (uint)Saturate(v, uint.MinValue, uint.MaxValue) : unchecked((uint)ThroughInt64(v))), shape),
            OutputDType.Int64 => new NDArray(Map(values, v => round ? (long)Saturate(v, long.MinValue, long.MaxValue) : ThroughInt64(v)), shape),
            _ => new NDArray(Map(values, v => round ? SaturateUInt64(v) : TruncateUInt64(v)), shape),
        };
    }

    private static TOut[] Map<T, TOut>(ReadOnlySpan<T> values, Func<T, TOut> convert)
    {
        var result = new TOut[values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = convert(values[i]);
        }

        return result;
    }

    /// <summary>C's (int) of a double on x86: toward zero, and the "integer indefinite" int.MinValue when out of range or NaN.</summary>
    private static int ThroughInt32<T>(T value)
        where T : INumberBase<T>
    {
        double t = Math.Truncate(double.CreateTruncating(value));
        return t > -TwoTo31 - 1 && t < TwoTo31 ? (int)t : int.MinValue;
    }

    /// <summary>C's (long) of a double on x86, as <see cref="ThroughInt32"/>.</summary>
    private static long ThroughInt64<T>(T value)
        where T : INumberBase<T>
    {
        double t = Math.Truncate(double.CreateTruncating(value));
        return t >= -TwoTo63 && t < TwoTo63 ? (long)t : long.MinValue;
    }

    private static ulong TruncateUInt64<T>(T value)
        where T : INumberBase<T>
    {
        double t = Math.Truncate(double.CreateTruncating(value));
        return t is >= 0 and < TwoTo64 ? (ulong)t : unchecked((ulong)ThroughInt64(value));
    }

    /// <summary>scipy's rounding into an integer output: halves away from zero, clamped to [min, max]; NaN gives 0.</summary>
    private static double Saturate<T>(T value, double min, double max)
        where T : INumberBase<T>
    {
        double v = double.CreateTruncating(value);
        return double.IsNaN(v) ? 0 : Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), min, max);
    }

    private static ulong SaturateUInt64<T>(T value)
        where T : INumberBase<T>
    {
        double r = Saturate(value, 0, TwoTo64);
        return r >= TwoTo64 ? ulong.MaxValue : (ulong)r;
    }
}
