using System.Numerics.Tensors;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// A per-channel v · scale[c] + bias[c]: what rescale, samplewise and per-channel featurewise standardization
/// collapse into once their statistics are known. Applied to whole rows with vector instructions.
/// </summary>
internal sealed class ChannelAffine
{
    private readonly float[] _scale;
    private readonly float[] _bias;
    private readonly float[]? _rowScale; // the per-channel pattern repeated over a channels_last row
    private readonly float[]? _rowBias;

    public ChannelAffine(float[] scale, float[] bias, ImageGeometry geometry)
    {
        _scale = scale;
        _bias = bias;
        IsIdentity = scale.All(s => s == 1f) && bias.All(b => b == 0f);
        if (geometry.IsChannelsFirst == 0 && geometry.Channels > 1 && !IsIdentity)
        {
            _rowScale = new float[geometry.RowStride];
            _rowBias = new float[geometry.RowStride];
            for (int i = 0; i < geometry.RowStride; i++)
            {
                _rowScale[i] = scale[i % geometry.Channels];
                _rowBias[i] = bias[i % geometry.Channels];
            }
        }
    }

    public bool IsIdentity { get; }

    /// <summary>Builds the affine of <paramref name="standardization"/> for an image with these sample statistics.</summary>
    public static ChannelAffine For(Standardization standardization, ImageGeometry geometry, double sampleMean, double sampleDivisor)
    {
        var scale = new float[geometry.Channels];
        var bias = new float[geometry.Channels];
        standardization.ComputeChannelAffine(geometry.Channels, sampleMean, sampleDivisor, scale, bias);
        return new ChannelAffine(scale, bias, geometry);
    }

    /// <summary>Applies the affine to rows [rowStart, rowEnd) of one image.</summary>
    public unsafe void ApplyRows(float* image, ImageGeometry g, int rowStart, int rowEnd)
    {
        if (IsIdentity || rowEnd <= rowStart)
        {
            return;
        }

        if (g.IsChannelsFirst != 0)
        {
            for (int ch = 0; ch < g.Channels; ch++)
            {
                var plane = new Span<float>(image + (ch * g.ChannelStride) + (rowStart * g.RowStride), (rowEnd - rowStart) * g.RowStride);
                ScaleAndShift(plane, _scale[ch], _bias[ch]);
            }

            return;
        }

        if (g.Channels == 1)
        {
            var span = new Span<float>(image + (rowStart * g.RowStride), (rowEnd - rowStart) * g.RowStride);
            ScaleAndShift(span, _scale[0], _bias[0]);
            return;
        }

        for (int r = rowStart; r < rowEnd; r++)
        {
            var row = new Span<float>(image + (r * g.RowStride), g.RowStride);
            TensorPrimitives.MultiplyAdd(row, _rowScale, _rowBias, row);
        }
    }

    private static void ScaleAndShift(Span<float> values, float scale, float bias)
    {
        if (scale != 1f)
        {
            TensorPrimitives.Multiply(values, scale, values);
        }

        if (bias != 0f)
        {
            TensorPrimitives.Add(values, bias, values);
        }
    }
}
