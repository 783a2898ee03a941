using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Engine;

/// <summary>
/// The CPU engine's fast paths (vectorized interior, edge runs, shared chunks of rows, uint8 specializations) against the
/// single definition of the math: <see cref="Taps.Compute{TMode, TSampler}"/> and <see cref="Taps.Blend"/> for every pixel at
/// scipy's exact coordinate (<see cref="SamplingGrid.ExactRowAt"/>). Order 0 must agree bit for bit (the same pixel,
/// ties included). The bilinear interior runs on the incremental form of the grid, a few ulps from the exact
/// coordinate, with every tap inside the image, so order 1 agrees to the rounding of the float weights.
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
    [DataRow("mirror", true)]
    [DataRow("grid-wrap", true)]
    [DataRow("grid-constant", true)]
    [DataRow("grid-mirror", true)]
    [DataRow("nearest", false)]
    [DataRow("constant", false)]
    [DataRow("grid-constant", false)]
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
        // A batch large enough for the engine to split work across images and chunks of rows.
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
            AssertSame(expected, output.AsSpan(i * g.Size, g.Size), 1, $"image {i}");
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
            AssertSame(expected, output, order, $"{rows}x{cols}x{channels} {layout} {(bytes ? "uint8" : "float32")} order {order} {mode} {p}");
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

    /// <summary>One CPU-engine warp of <paramref name="plans"/> into <paramref name="output"/> (also used by WarpBitIdentityTests).</summary>
    internal static void Run(ImageArray source, SamplePlan[] plans, FillMode mode, float cval, int order, float[] output, bool wideVectors = true)
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

    /// <summary>Every output pixel straight from Taps.Compute and Taps.Blend, at scipy's exact coordinate.</summary>
    private static float[] Reference(ReadOnlySpan<float> src, ImageGeometry g, SamplingGrid grid, FillMode mode, float cval, int order)
    {
        var result = new float[g.Size];
        for (int r = 0; r < g.Rows; r++)
        {
            for (int c = 0; c < g.Cols; c++)
            {
                var t = grid.IsPixelAligned != 0
                    ? TapsOfMode.Compute(grid.RowAt(r, c), grid.ColAt(r, c), g.Rows, g.Cols, mode, 0)
                    : TapsOfMode.Compute(grid.ExactRowAt(r, c), grid.ExactColAt(r, c), g.Rows, g.Cols, mode, order);
                for (int ch = 0; ch < g.Channels; ch++)
                {
                    int o = (r * g.RowStride) + (c * g.PixelStride) + (ch * g.ChannelStride);
                    if (t.IsOutside != 0)
                    {
                        result[o] = cval;
                        continue;
                    }

                    int k = ch * g.ChannelStride;
                    int Tap(int row, int col) => row < 0 || col < 0 ? -1 : (row * g.RowStride) + (col * g.PixelStride) + k;
                    int a = Tap(t.Row0, t.Col0), b = Tap(t.Row0, t.Col1), d = Tap(t.Row1, t.Col0), e = Tap(t.Row1, t.Col1);
                    result[o] = Taps.Blend(a < 0 ? cval : src[a], b < 0 ? cval : src[b], d < 0 ? cval : src[d], e < 0 ? cval : src[e], t.RowWeight, t.ColWeight);
                }
            }
        }

        return result;
    }

    /// <summary>Order 0: bit for bit. Order 1: within the rounding of the float weights (1e-5 of the value's scale).</summary>
    private static void AssertSame(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int order, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = order == 0
                ? BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i])
                : Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])) * 255;
            if (!same)
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, the per-pixel reference gives {expected[i]:R}");
            }
        }
    }
}
