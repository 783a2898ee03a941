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
    public static ElementKind FromTypeCode(NPTypeCode code, string parameterName) => code switch
    {
        NPTypeCode.Byte => ElementKind.UInt8,
        NPTypeCode.UInt16 => ElementKind.UInt16,
        NPTypeCode.Int16 => ElementKind.Int16,
        NPTypeCode.Int32 => ElementKind.Int32,
        NPTypeCode.Single => ElementKind.Float32,
        NPTypeCode.Double => ElementKind.Float64,
        _ => throw new ArgumentException(
            $"`{parameterName}` should hold uint8, uint16, int16, int32, float32 or float64 values. Received dtype: {code}",
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
