using NumSharp;

namespace Keras.Preprocessing.Memory.Parameters;

/// <summary>The element type of generated batches (Keras <c>dtype</c>): every numpy dtype NumSharp can hold.</summary>
internal enum OutputDType
{
    /// <summary><c>"float32"</c>, Keras's default.</summary>
    Float32 = 0,

    /// <summary><c>"float64"</c>: computed in float32, widened on output.</summary>
    Float64 = 1,

    /// <summary><c>"float16"</c>: computed in float32, rounded to half precision on output.</summary>
    Float16,

    /// <summary><c>"uint8"</c>.</summary>
    UInt8,

    /// <summary><c>"int8"</c>.</summary>
    Int8,

    /// <summary><c>"uint16"</c>.</summary>
    UInt16,

    /// <summary><c>"int16"</c>.</summary>
    Int16,

    /// <summary><c>"uint32"</c>.</summary>
    UInt32,

    /// <summary><c>"int32"</c>.</summary>
    Int32,

    /// <summary><c>"uint64"</c>.</summary>
    UInt64,

    /// <summary><c>"int64"</c>.</summary>
    Int64,

    /// <summary><c>"bool"</c>: True where the value is not zero.</summary>
    Bool,
}

/// <summary>Parses Keras dtype strings for generated batches.</summary>
internal static class OutputDTypes
{
    /// <summary>The names numpy's <c>np.dtype(...)</c> accepts for each dtype (canonical name first), on 64-bit Linux.</summary>
    private static readonly (OutputDType DType, string[] Names)[] Spellings =
    [
        (OutputDType.Float32, ["float32", "single", "f4", "<f4"]),
        (OutputDType.Float64, ["float64", "float", "double", "f8", "<f8"]),
        (OutputDType.Float16, ["float16", "half", "f2", "<f2"]),
        (OutputDType.UInt8, ["uint8", "ubyte", "u1", "B"]),
        (OutputDType.Int8, ["int8", "byte", "i1", "b"]),
        (OutputDType.UInt16, ["uint16", "ushort", "u2", "<u2"]),
        (OutputDType.Int16, ["int16", "short", "i2", "<i2"]),
        (OutputDType.UInt32, ["uint32", "uintc", "u4", "<u4"]),
        (OutputDType.Int32, ["int32", "intc", "i4", "<i4"]),
        (OutputDType.UInt64, ["uint64", "uint", "u8", "<u8"]),
        (OutputDType.Int64, ["int64", "int", "long", "i8", "<i8"]),
        (OutputDType.Bool, ["bool", "bool_", "?"]),
    ];

    /// <summary>Parses a numpy dtype name; anything NumSharp cannot hold (complex, strings, objects) throws naming the parameter.</summary>
    public static OutputDType Parse(string? value, string parameterName = "dtype")
    {
        if (value is null)
        {
            return OutputDType.Float32;
        }

        foreach (var (dtype, names) in Spellings)
        {
            if (Array.IndexOf(names, value) >= 0)
            {
                return dtype;
            }
        }

        throw new ArgumentException(
            $"`{parameterName}` should be a numeric numpy dtype: \"float32\", \"float64\", \"float16\", \"uint8\", \"int8\", \"uint16\", " +
            $"\"int16\", \"uint32\", \"int32\", \"uint64\", \"int64\" or \"bool\". Received: {value}",
            parameterName);
    }

    /// <summary>The Keras (numpy) name of a dtype.</summary>
    public static string ToKerasName(this OutputDType dtype) => Array.Find(Spellings, s => s.DType == dtype).Names[0];

    /// <summary>The NumSharp element type of a dtype.</summary>
    public static NPTypeCode ToTypeCode(this OutputDType dtype) => dtype switch
    {
        OutputDType.Float32 => NPTypeCode.Single,
        OutputDType.Float64 => NPTypeCode.Double,
        OutputDType.Float16 => NPTypeCode.Half,
        OutputDType.UInt8 => NPTypeCode.Byte,
        OutputDType.Int8 => NPTypeCode.SByte,
        OutputDType.UInt16 => NPTypeCode.UInt16,
        OutputDType.Int16 => NPTypeCode.Int16,
        OutputDType.UInt32 => NPTypeCode.UInt32,
        OutputDType.Int32 => NPTypeCode.Int32,
        OutputDType.UInt64 => NPTypeCode.UInt64,
        OutputDType.Int64 => NPTypeCode.Int64,
        _ => NPTypeCode.Boolean,
    };

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this OutputDType dtype) => dtype switch
    {
        OutputDType.UInt8 or OutputDType.Int8 or OutputDType.Bool => 1,
        OutputDType.UInt16 or OutputDType.Int16 or OutputDType.Float16 => 2,
        OutputDType.UInt32 or OutputDType.Int32 or OutputDType.Float32 => 4,
        _ => 8,
    };

    /// <summary>True for the dtypes numpy cannot hold a fraction in (integers and bool).</summary>
    public static bool IsIntegral(this OutputDType dtype) => dtype is not (OutputDType.Float32 or OutputDType.Float64 or OutputDType.Float16);
}
