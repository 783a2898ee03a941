using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Tests.Engine;

/// <summary>
/// The CPU's many-lines prefilter (<see cref="SplinePrefilterLanes"/>) against the shared one-line definition
/// (<see cref="SplinePrefilter"/>, which the GPU kernel runs): the same steps lane-wise, so bit for bit. The definition
/// itself is held to scipy by the spline cases of the affine fixtures.
/// </summary>
[TestClass]
public sealed unsafe class SplinePrefilterTests
{
    [TestMethod]
    [DataRow(2, "Mirror")]
    [DataRow(3, "Mirror")]
    [DataRow(4, "Reflect")]
    [DataRow(5, "Reflect")]
    [DataRow(3, "Wrap")]
    [DataRow(5, "Wrap")]
    [DataRow(2, "Reflect")]
    [DataRow(4, "Wrap")]
    public void LanesMatchTheOneLineFilterBitForBit(int order, string boundaryName)
    {
        var boundary = Enum.Parse<SplineBoundary>(boundaryName);
        var random = new Random((order * 31) + (int)boundary);
        foreach (int n in new[] { 1, 2, 3, 7, 40 })
        {
            foreach (int lanes in new[] { 1, 3, 4, 9 })
            {
                const int padding = 2; // stride wider than the lanes: the gaps must stay untouched
                int stride = lanes + padding;
                var block = new double[n * stride];
                for (int i = 0; i < block.Length; i++)
                {
                    block[i] = (random.NextDouble() * 300) - 20;
                }

                var expected = (double[])block.Clone();
                for (int l = 0; l < lanes; l++)
                {
                    var line = new double[n];
                    for (int k = 0; k < n; k++)
                    {
                        line[k] = expected[(k * stride) + l];
                    }

                    fixed (double* p = line)
                    {
                        SplinePrefilter.FilterLine(new Line(p), n, order, boundary);
                    }

                    for (int k = 0; k < n; k++)
                    {
                        expected[(k * stride) + l] = line[k];
                    }
                }

                var scratch = new double[2 * lanes];
                fixed (double* p = block, s = scratch)
                {
                    SplinePrefilterLanes.Filter(p, stride, n, lanes, order, boundary, s);
                }

                for (int i = 0; i < block.Length; i++)
                {
                    Assert.AreEqual(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(block[i]), $"order {order} {boundary} n {n} lanes {lanes}: element {i} is {block[i]:R}, the one-line filter gives {expected[i]:R}");
                }
            }
        }
    }

    private readonly struct Line(double* start) : ISplineLine
    {
        public double Get(int i) => start[i];

        public void Set(int i, double value) => start[i] = value;
    }
}
