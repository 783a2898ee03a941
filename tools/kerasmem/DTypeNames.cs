using NumSharp;

namespace KerasMem;

/// <summary>numpy's dtype names (<c>uint8</c>, <c>float32</c>), as Keras and numpy print them, not .NET's (<c>Byte</c>).</summary>
internal static class DTypeNames
{
    public static string Of(NDArray x) => Of(x.typecode);

    public static string Of(NPTypeCode type) => type switch
    {
        NPTypeCode.Boolean => "bool",
        NPTypeCode.Byte => "uint8",
        NPTypeCode.Int16 => "int16",
        NPTypeCode.UInt16 => "uint16",
        NPTypeCode.Int32 => "int32",
        NPTypeCode.UInt32 => "uint32",
        NPTypeCode.Int64 => "int64",
        NPTypeCode.UInt64 => "uint64",
        NPTypeCode.Single => "float32",
        NPTypeCode.Double => "float64",
        var other => other.ToString().ToLowerInvariant(),
    };
}
