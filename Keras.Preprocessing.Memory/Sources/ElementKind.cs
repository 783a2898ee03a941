using NumSharp;

namespace Keras.Preprocessing.Memory.Sources;

/// <summary>The element types an in-memory image array may hold; batches are computed from them in float32.</summary>
internal enum ElementKind
{
    UInt8,
    UInt16,
    Int16,
    Int32,
    Float32,
    Float64,
}

internal static class ElementKinds
{
    /// <summary>
    /// Whether an array of <paramref name="code"/> is read as float32 converted once up front: the dtypes Keras takes
    /// through <c>np.asarray(x, "float32")</c> that are too rare to deserve a kernel reader of their own.
    /// </summary>
    public static bool IsConvertedOnce(NPTypeCode code) =>
        code is NPTypeCode.Int64 or NPTypeCode.UInt64 or NPTypeCode.UInt32 or NPTypeCode.SByte or NPTypeCode.Boolean or NPTypeCode.Half;

    public static ElementKind FromTypeCode(NPTypeCode code, string parameterName) => code switch
    {
        NPTypeCode.Byte => ElementKind.UInt8,
        NPTypeCode.UInt16 => ElementKind.UInt16,
        NPTypeCode.Int16 => ElementKind.Int16,
        NPTypeCode.Int32 => ElementKind.Int32,
        NPTypeCode.Single => ElementKind.Float32,
        NPTypeCode.Double => ElementKind.Float64,
        _ => throw new ArgumentException(
            $"`{parameterName}` should hold numbers (bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float16, float32 or float64). Received dtype: {code}",
            parameterName),
    };

    public static int Size(this ElementKind kind) => kind switch
    {
        ElementKind.UInt8 => 1,
        ElementKind.UInt16 or ElementKind.Int16 => 2,
        ElementKind.Int32 or ElementKind.Float32 => 4,
        _ => 8,
    };
}
