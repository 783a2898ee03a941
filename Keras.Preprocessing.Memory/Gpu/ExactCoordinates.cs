using ILGPU;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// scipy's exact input coordinate of output pixel (r, c) of sample s on the device, <c>(r'·m00 + c'·m01) + offset</c>,
/// from the products the host rounded (<see cref="SamplingGrid.WriteProducts"/>): two adds per axis and no multiply,
/// so ptxas has no multiply-add to fuse and the coordinate is the CPU's and scipy's bit for bit on any GPU. (The
/// modes' folding multiplies only whole numbers, whose products are exact, fused or not.)
/// </summary>
internal readonly struct ExactCoordinates
{
    private readonly long _rowAt, _colAt;
    private readonly ArrayView<double> _products;

    public ExactCoordinates(in KernelViews views, int s, int r, int c)
    {
        var g = views.Arguments.Geometry;
        long first = (long)s * SamplingGrid.ProductCount(g.Rows, g.Cols);
        _products = views.Coordinates;
        _rowAt = first + (2L * r);
        _colAt = first + (2L * g.Rows) + (2L * c);
    }

    /// <summary>The input row (scipy's first coordinate).</summary>
    public double Row(in SamplingGrid grid) => (_products[_rowAt] + _products[_colAt]) + grid.M02;

    /// <summary>The input column.</summary>
    public double Col(in SamplingGrid grid) => (_products[_rowAt + 1] + _products[_colAt + 1]) + grid.M12;

    /// <summary>The host table of a batch: <see cref="SamplingGrid.ProductCount"/> doubles per plan, in batch order.</summary>
    public static double[] Products(ReadOnlySpan<SamplePlan> plans, int rows, int cols)
    {
        int each = SamplingGrid.ProductCount(rows, cols);
        var table = new double[plans.Length * each];
        for (int i = 0; i < plans.Length; i++)
        {
            plans[i].Grid.WriteProducts(table.AsSpan(i * each, each), rows, cols);
        }

        return table;
    }
}
