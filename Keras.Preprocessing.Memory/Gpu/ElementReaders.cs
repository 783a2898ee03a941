using ILGPU;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// Reads one source element as float32 on the device. The kernels are generic over a struct reader, so ILGPU
/// compiles one specialised kernel per source dtype and the dataset stays on the device in the caller's dtype
/// (a uint8 dataset takes a quarter of the memory it would as float32).
/// </summary>
internal interface IElementReader
{
    /// <summary>Element <paramref name="index"/> of the source, converted to float32.</summary>
    float Read(long index);
}

/// <summary>uint8 elements.</summary>
internal readonly struct UInt8Reader(ArrayView<byte> data) : IElementReader
{
    private readonly ArrayView<byte> _data = data;

    public float Read(long index) => _data[index];
}

/// <summary>uint16 elements.</summary>
internal readonly struct UInt16Reader(ArrayView<ushort> data) : IElementReader
{
    private readonly ArrayView<ushort> _data = data;

    public float Read(long index) => _data[index];
}

/// <summary>int16 elements.</summary>
internal readonly struct Int16Reader(ArrayView<short> data) : IElementReader
{
    private readonly ArrayView<short> _data = data;

    public float Read(long index) => _data[index];
}

/// <summary>int32 elements.</summary>
internal readonly struct Int32Reader(ArrayView<int> data) : IElementReader
{
    private readonly ArrayView<int> _data = data;

    public float Read(long index) => _data[index];
}

/// <summary>float32 elements.</summary>
internal readonly struct Float32Reader(ArrayView<float> data) : IElementReader
{
    private readonly ArrayView<float> _data = data;

    public float Read(long index) => _data[index];
}

/// <summary>float64 elements, narrowed as the CPU engine narrows them.</summary>
internal readonly struct Float64Reader(ArrayView<double> data) : IElementReader
{
    private readonly ArrayView<double> _data = data;

    public float Read(long index) => (float)_data[index];
}
