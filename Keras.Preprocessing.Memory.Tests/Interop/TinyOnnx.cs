namespace Keras.Preprocessing.Memory.Tests.Interop;

/// <summary>
/// Writes a tiny ONNX model byte by byte (protobuf wire format, no onnx package needed): one ReduceMean node over the
/// image axes, x float32 (N, H, W, C) to y float32 (N), opset 13. Each protobuf field is named where it is written.
/// </summary>
internal static class TinyOnnx
{
    /// <summary>The model: <c>y = ReduceMean(x, axes=[1, 2, 3], keepdims=0)</c>, the mean of each image.</summary>
    public static byte[] PerImageMean(int rows, int cols, int channels)
    {
        byte[] Dim(object d) => d is string name
            ? Message((2, name))                                   // Dimension.dim_param ("N": any batch size)
            : Message((1, (long)(int)d));                          // Dimension.dim_value
        byte[] TensorType(params object[] dims) => Message(
            (1, Message(                                           // TypeProto.tensor_type
                (1, 1L),                                           //   elem_type = FLOAT
                (2, Message(dims.Select(d => (1, (object)Dim(d))).ToArray())))));   // shape.dim
        byte[] ValueInfo(string name, byte[] type) => Message((1, name), (2, type));   // ValueInfoProto name, type

        byte[] node = Message(
            (1, "x"),                                              // NodeProto.input
            (2, "y"),                                              // NodeProto.output
            (4, "ReduceMean"),                                     // NodeProto.op_type
            (5, Message((1, "axes"), (20, 7L), (8, 1L), (8, 2L), (8, 3L))),   // AttributeProto: INTS [1, 2, 3]
            (5, Message((1, "keepdims"), (20, 2L), (3, 0L))));                // AttributeProto: INT 0
        byte[] graph = Message(
            (1, node),                                             // GraphProto.node
            (2, "per_image_mean"),                                 // GraphProto.name
            (11, ValueInfo("x", TensorType("N", rows, cols, channels))),   // GraphProto.input
            (12, ValueInfo("y", TensorType("N"))));                        // GraphProto.output
        return Message(
            (1, 7L),                                               // ModelProto.ir_version
            (2, "KerasMemory.Tests"),                              // ModelProto.producer_name
            (7, graph),                                            // ModelProto.graph
            (8, Message((2, 13L))));                               // ModelProto.opset_import: default domain, 13
    }

    /// <summary>A protobuf message: long values as varints, strings and byte arrays length-delimited.</summary>
    private static byte[] Message(params (int Tag, object Value)[] fields)
    {
        var output = new List<byte>();
        foreach (var (tag, value) in fields)
        {
            if (value is long number)
            {
                WriteVarint(output, (ulong)tag << 3);
                WriteVarint(output, (ulong)number);
                continue;
            }

            byte[] bytes = value as byte[] ?? System.Text.Encoding.UTF8.GetBytes((string)value);
            WriteVarint(output, ((ulong)tag << 3) | 2);
            WriteVarint(output, (ulong)bytes.Length);
            output.AddRange(bytes);
        }

        return [.. output];
    }

    private static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }
}
