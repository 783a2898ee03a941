using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Engine;

/// <summary>
/// The CPU engine's fast paths (vectorized interior, edge runs, row blocks, uint8 specializations) against the
/// single definition of the math: <see cref="Taps.Compute"/> and <see cref="Taps.Blend"/> for every pixel. The
/// fast paths are algebraically identical, so the results must agree bit for bit, not just to a tolerance.
/// </summary>
[TestClass]
public sealed class WarpFastPathTests
{
    private static readonly (int Rows, int Cols)[] Sizes = [(1, 1), (1, 6), (2, 3), (5, 7), (9, 2), (31, 33), (64, 17), (40, 300)];

    [TestMethod]
    [DataRow("nearest", true)]
    [DataRow("constant", true)]
    [DataRow("reflect", true)]
    [DataRow("wrap", true)]
    [DataRow("nearest", false)]
    [DataRow("constant", false)]
    public void EngineMatchesPerPixelTapsBitForBit(string fillMode, bool wideVectors)
    {
        var mode = FillModes.Parse(fillMode);
        var random = new Random(fillMode.Length * 7919);
        CheckAllShapes(random, mode, wideVectors);
    }

    private static void CheckAllShapes(Random random, FillMode mode, bool wideVectors)
    {
        int checkedImages = 0;
        foreach (var (rows, cols) in Sizes)
        {
            foreach (int channels in new[] { 1, 3, 4 })
            {
                foreach (var layout in new[] { DataFormat.ChannelsLast, DataFormat.ChannelsFirst })
                {
                    foreach (bool bytes in new[] { false, true })
                    {
                        foreach (int order in new[] { 0, 1 })
                        {
                            CheckOne(random, rows, cols, channels, layout, bytes, order, mode, wideVectors);
                            checkedImages++;
                        }
                    }
                }
            }
        }

        Assert.AreEqual(Sizes.Length * 3 * 2 * 2 * 2, checkedImages);
    }

    [TestMethod]
    public void BatchOfManyImagesMatchesPerImageReference()
    {
        // A batch large enough for the engine to split work across images and row blocks.
        var random = new Random(42);
        const int count = 24, rows = 150, cols = 140, channels = 3;
        var g = new ImageGeometry(rows, cols, channels, DataFormat.ChannelsLast);
        var values = new float[count * g.Size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 255);
        }

        using var x = new NDArray(values, new Shape(count, rows, cols, channels));
        var source = ImageArray.Wrap(x, DataFormat.ChannelsLast);
        var plans = new SamplePlan[count];
        for (int i = 0; i < count; i++)
        {
            plans[i] = SamplePlan.Create(count - 1 - i, RandomParameters(random, rows, cols), rows, cols);
        }

        var output = new float[count * g.Size];
        Run(source, plans, FillMode.Nearest, 0f, 1, output);
        for (int i = 0; i < count; i++)
        {
            var expected = Reference(values.AsSpan(plans[i].SourceIndex * g.Size, g.Size), g, plans[i].Grid, FillMode.Nearest, 0f, 1);
            AssertSame(expected, output.AsSpan(i * g.Size, g.Size), $"image {i}");
        }
    }

    private static void CheckOne(Random random, int rows, int cols, int channels, DataFormat layout, bool bytes, int order, FillMode mode, bool wideVectors)
    {
        var g = new ImageGeometry(rows, cols, channels, layout);

        // Two images, warping the second: the last image of the array is where an over-wide read would go past the end.
        var values = new float[2 * g.Size];
        var raw = new byte[2 * g.Size];
        for (int i = 0; i < values.Length; i++)
        {
            raw[i] = (byte)random.Next(256);
            values[i] = bytes ? raw[i] : (float)((random.NextDouble() * 2) - 0.5);
        }

        using var x = bytes
            ? new NDArray(raw, new Shape(2, layout == DataFormat.ChannelsFirst ? channels : rows, layout == DataFormat.ChannelsFirst ? rows : cols, layout == DataFormat.ChannelsFirst ? cols : channels))
            : new NDArray(values, new Shape(2, layout == DataFormat.ChannelsFirst ? channels : rows, layout == DataFormat.ChannelsFirst ? rows : cols, layout == DataFormat.ChannelsFirst ? cols : channels));
        var source = ImageArray.Wrap(x, layout);
        float cval = 0.25f;
        for (int trial = 0; trial < 4; trial++)
        {
            var p = trial == 0 ? new TransformParameters(0, 0, 0, 0, 1, 1, random.Next(2) == 1, random.Next(2) == 1, null, null) : RandomParameters(random, rows, cols);
            var plan = SamplePlan.Create(1, p, rows, cols);
            var output = new float[g.Size];
            Run(source, [plan], mode, cval, order, output, wideVectors);
            var expected = Reference(values.AsSpan(g.Size, g.Size), g, plan.Grid, mode, cval, order);
            AssertSame(expected, output, $"{rows}x{cols}x{channels} {layout} {(bytes ? "uint8" : "float32")} order {order} {mode} {p}");
        }
    }

    private static TransformParameters RandomParameters(Random random, int rows, int cols)
    {
        double Uniform(double a) => ((random.NextDouble() * 2) - 1) * a;
        bool integerShift = random.Next(3) == 0; // whole-pixel shifts put samples exactly on edges
        return new TransformParameters(
            Theta: random.Next(4) == 0 ? 0 : Uniform(40),
            Tx: integerShift ? random.Next(-rows, rows + 1) : Uniform(0.3 * rows),
            Ty: integerShift ? random.Next(-cols, cols + 1) : Uniform(0.3 * cols),
            Shear: random.Next(2) == 0 ? 0 : Uniform(20),
            Zx: 1 + Uniform(0.4),
            Zy: 1 + Uniform(0.4),
            FlipHorizontal: random.Next(2) == 1,
            FlipVertical: random.Next(2) == 1,
            ChannelShiftIntensity: null,
            Brightness: null);
    }

    private static void Run(ImageArray source, SamplePlan[] plans, FillMode mode, float cval, int order, float[] output, bool wideVectors = true)
    {
        using var engine = new CpuAugmentationEngine(wideVectors: wideVectors);
        engine.Execute(
            new AugmentationRequest
            {
                Source = source,
                Plans = plans,
                FillMode = mode,
                Cval = cval,
                InterpolationOrder = order,
                Standardization = Standardization.None,
            },
            output);
    }

    /// <summary>Every output pixel straight from Taps.Compute and Taps.Blend, with the grid's own coordinate formula.</summary>
    private static float[] Reference(ReadOnlySpan<float> src, ImageGeometry g, SamplingGrid grid, FillMode mode, float cval, int order)
    {
        var result = new float[g.Size];
        for (int r = 0; r < g.Rows; r++)
        {
            double y = grid.Row0 + (r * grid.RowPerRow), x = grid.Col0 + (r * grid.ColPerRow);
            for (int c = 0; c < g.Cols; c++)
            {
                var t = Taps.Compute(y + (c * grid.RowPerCol), x + (c * grid.ColPerCol), g.Rows, g.Cols, mode, order);
                for (int ch = 0; ch < g.Channels; ch++)
                {
                    int o = (r * g.RowStride) + (c * g.PixelStride) + (ch * g.ChannelStride);
                    if (t.IsOutside != 0)
                    {
                        result[o] = cval;
                        continue;
                    }

                    int k = ch * g.ChannelStride;
                    result[o] = Taps.Blend(
                        src[(t.Row0 * g.RowStride) + (t.Col0 * g.PixelStride) + k],
                        src[(t.Row0 * g.RowStride) + (t.Col1 * g.PixelStride) + k],
                        src[(t.Row1 * g.RowStride) + (t.Col0 * g.PixelStride) + k],
                        src[(t.Row1 * g.RowStride) + (t.Col1 * g.PixelStride) + k],
                        t.RowWeight,
                        t.ColWeight);
                }
            }
        }

        return result;
    }

    private static void AssertSame(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, the per-pixel reference gives {expected[i]:R}");
            }
        }
    }
}
