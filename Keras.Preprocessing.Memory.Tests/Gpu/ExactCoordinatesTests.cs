using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// The GPU kernels form scipy's coordinate from products the host rounded, adding only (so ptxas cannot fuse a
/// multiply into it): the sums must be the CPU's exact coordinates bit for bit, under every flip.
/// </summary>
[TestClass]
public sealed class ExactCoordinatesTests
{
    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, false)]
    [DataRow(false, true)]
    [DataRow(true, true)]
    public void TheProductTableAddsUpToTheExactCoordinates(bool flipHorizontal, bool flipVertical)
    {
        const int rows = 23, cols = 31;
        var random = new Random(11);
        for (int trial = 0; trial < 20; trial++)
        {
            double angle = random.NextDouble() * Math.PI, scale = 0.5 + random.NextDouble();
            var m = new Matrix2x3(
                Math.Cos(angle) * scale,
                -Math.Sin(angle) * 0.9,
                random.NextDouble() * 10,
                Math.Sin(angle) / scale,
                Math.Cos(angle) * 1.1,
                -random.NextDouble() * 7);
            var grid = SamplingGrid.Create(m, flipHorizontal, flipVertical, rows, cols);
            var table = new double[SamplingGrid.ProductCount(rows, cols)];
            grid.WriteProducts(table, rows, cols);

            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    double row = (table[2 * r] + table[(2 * rows) + (2 * c)]) + grid.M02;
                    double col = (table[(2 * r) + 1] + table[(2 * rows) + (2 * c) + 1]) + grid.M12;
                    Assert.AreEqual(BitConverter.DoubleToInt64Bits(grid.ExactRowAt(r, c)), BitConverter.DoubleToInt64Bits(row), $"row of ({r}, {c})");
                    Assert.AreEqual(BitConverter.DoubleToInt64Bits(grid.ExactColAt(r, c)), BitConverter.DoubleToInt64Bits(col), $"column of ({r}, {c})");
                }
            }
        }
    }
}
