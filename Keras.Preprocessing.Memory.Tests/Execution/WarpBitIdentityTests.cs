using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using Keras.Preprocessing.Memory.Tests.Engine;
using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Execution;

/// <summary>
/// The CPU warp's fast paths (AVX-512 and AVX interiors, vectorized boundary runs, shared chunks of rows) bit for bit against
/// the per-pixel definition of what each output pixel is: a boundary pixel is <see cref="Taps.Compute{TMode, TSampler}"/>
/// and the sampler's blend at scipy's exact coordinate (<see cref="ExactRow"/>); an order-1 pixel of the interior
/// span (<see cref="InteriorSpan.Find"/>, trimmed to where the exact coordinate is inside the image) is
/// <see cref="Taps.Blend"/> at the incremental coordinate <c>y + c·dy</c>, every tap inside. Unlike
/// <c>WarpFastPathTests</c>, order 1 is compared bit for bit too: any vector path must round every step as this
/// reference does.
/// </summary>
[TestClass]
public sealed class WarpBitIdentityTests
{
    private static readonly (int Rows, int Cols)[] Sizes = [(1, 1), (1, 9), (3, 2), (5, 7), (13, 11), (31, 33), (64, 17), (40, 300), (97, 130)];

    [TestMethod]
    [DataRow("nearest")]
    [DataRow("constant")]
    [DataRow("reflect")]
    [DataRow("wrap")]
    [DataRow("mirror")]
    [DataRow("grid-wrap")]
    [DataRow("grid-constant")]
    [DataRow("grid-mirror")]
    public void EveryPathMatchesThePerPixelDefinition(string fillMode)
    {
        var mode = FillModes.Parse(fillMode);
        var random = new Random(fillMode.GetHashCode(StringComparison.Ordinal) ^ 0x5eed);
        int images = 0;
        foreach (var (rows, cols) in Sizes)
        {
            foreach (int channels in new[] { 1, 3, 4 })
            {
                foreach (var layout in new[] { DataFormat.ChannelsLast, DataFormat.ChannelsFirst })
                {
                    foreach (bool bytes in new[] { false, true })
                    {
                        images += CheckShape(random, rows, cols, channels, layout, bytes, mode);
                    }
                }
            }
        }

        Assert.IsGreaterThan(1000, images);
    }

    [TestMethod]
    [DataRow("nearest")]
    [DataRow("constant")]
    [DataRow("reflect")]
    public void NonFiniteSamplesPropagateAsInThePerPixelDefinition(string fillMode)
    {
        // inf and NaN in the image: a tap whose weight is 0 still enters the blend (inf · 0 is NaN), so every path must
        // read the very taps the definition reads, the folded ones at the edges included.
        var mode = FillModes.Parse(fillMode);
        var random = new Random(17);
        foreach (var (rows, cols) in new[] { (1, 1), (2, 5), (7, 6), (31, 33), (64, 17) })
        {
            foreach (int channels in new[] { 1, 3, 4 })
            {
                CheckShape(random, rows, cols, channels, DataFormat.ChannelsLast, bytes: false, mode, specials: true);
            }
        }
    }

    [TestMethod]
    public void LargeBatchOfHeadlineTransformsMatches()
    {
        // The bench's configuration (rotation 20, shifts 0.1, shear 0.1, zoom 0.1, horizontal flips, nearest) at sizes
        // whose interior and boundary runs are both long, in chunks of rows shared out between the threads (RowRanges):
        // a lone image is split between them from the start, the last of 3 or 12 when the others run out of images.
        var random = new Random(224);
        foreach (var (rows, cols, channels, bytes, count) in new[] { (224, 224, 3, false, 12), (224, 224, 3, false, 3), (224, 224, 3, false, 1), (150, 161, 3, true, 12), (150, 161, 3, true, 3), (128, 96, 4, false, 12), (70, 90, 1, false, 12) })
        {
            var g = new ImageGeometry(rows, cols, channels, DataFormat.ChannelsLast);
            var (source, values) = MakeSource(random, count, g, bytes);
            var plans = new SamplePlan[count];
            for (int i = 0; i < count; i++)
            {
                double U(double a) => ((random.NextDouble() * 2) - 1) * a;
                var p = new TransformParameters(U(20), U(0.1) * rows, U(0.1) * cols, U(0.1), 1 + U(0.1), 1 + U(0.1), random.Next(2) == 1, false, null, null);
                plans[i] = SamplePlan.Create(random.Next(count), p, rows, cols);
            }

            foreach (var mode in new[] { FillMode.Nearest, FillMode.Constant })
            {
                foreach (bool wide in new[] { true, false })
                {
                    var output = new float[count * g.Size];
                    WarpFastPathTests.Run(source, plans, mode, 0.5f, order: 1, output, wide);
                    for (int i = 0; i < count; i++)
                    {
                        var expected = Reference(values.AsSpan(plans[i].SourceIndex * g.Size, g.Size).ToArray(), g, plans[i].Grid, mode, 0.5f);
                        AssertBitIdentical(expected, output.AsSpan(i * g.Size, g.Size), $"{rows}x{cols}x{channels} {(bytes ? "uint8" : "float32")} {mode} wide {wide} image {i}");
                    }
                }
            }
        }
    }

    private static int CheckShape(Random random, int rows, int cols, int channels, DataFormat layout, bool bytes, FillMode mode, bool specials = false)
    {
        var g = new ImageGeometry(rows, cols, channels, layout);

        // Warping the last image of the array: an over-wide read there passes the end of the data.
        var (source, values) = MakeSource(random, 2, g, bytes, specials);
        int checkedImages = 0;
        for (int trial = 0; trial < 7; trial++)
        {
            var p = Transform(random, trial, rows, cols);
            var plan = SamplePlan.Create(1, p, rows, cols);
            var expected = Reference(values.AsSpan(g.Size, g.Size).ToArray(), g, plan.Grid, mode, -0.75f);
            foreach (bool wide in new[] { true, false })
            {
                var output = new float[g.Size];
                WarpFastPathTests.Run(source, [plan], mode, -0.75f, order: 1, output, wide);
                AssertBitIdentical(expected, output, $"{rows}x{cols}x{channels} {layout} {(bytes ? "uint8" : "float32")} {mode} wide {wide} {p}");
                checkedImages++;
            }
        }

        return checkedImages;
    }

    /// <summary>
    /// Trial 0: a zoom-in with no boundary pixel; 1: a zoom-out past the image, no interior; 2: whole-pixel shifts;
    /// 3: a degenerate zoom (1e9) that puts most of a row's coordinates beyond the int range (the vector runs hand
    /// those to the scalar rules); then random.
    /// </summary>
    private static TransformParameters Transform(Random random, int trial, int rows, int cols)
    {
        double Uniform(double a) => ((random.NextDouble() * 2) - 1) * a;
        bool flip = random.Next(2) == 1;
        return trial switch
        {
            0 => new TransformParameters(Uniform(3), Uniform(0.5), Uniform(0.5), 0, 0.6, 0.7, flip, random.Next(2) == 1, null, null),
            1 => new TransformParameters(Uniform(40), Uniform(3 * rows), Uniform(3 * cols), Uniform(20), 3 + random.NextDouble(), 3 + random.NextDouble(), flip, false, null, null),
            2 => new TransformParameters(0, random.Next(-rows, rows + 1), random.Next(-cols, cols + 1), 0, 1, 1, flip, random.Next(2) == 1, null, null),
            3 => new TransformParameters(Uniform(10), 0, 0, 0, 1 + Uniform(0.5), 1e9 * (1 + random.NextDouble()), flip, false, null, null),
            _ => new TransformParameters(
                random.Next(4) == 0 ? 0 : Uniform(45),
                Uniform(0.4 * rows),
                Uniform(0.4 * cols),
                random.Next(2) == 0 ? 0 : Uniform(20),
                1 + Uniform(0.5),
                1 + Uniform(0.5),
                flip,
                random.Next(2) == 1,
                null,
                null),
        };
    }

    private static (ImageArray Source, float[] Values) MakeSource(Random random, int count, ImageGeometry g, bool bytes, bool specials = false)
    {
        var values = new float[count * g.Size];
        var raw = new byte[count * g.Size];
        for (int i = 0; i < values.Length; i++)
        {
            raw[i] = (byte)random.Next(256);
            values[i] = bytes ? raw[i] : (float)((random.NextDouble() * 3) - 1);
            if (specials && random.Next(8) == 0)
            {
                values[i] = random.Next(3) switch { 0 => float.PositiveInfinity, 1 => float.NegativeInfinity, _ => float.NaN };
            }
        }

        var shape = g.IsChannelsFirst != 0 ? new Shape(count, g.Channels, g.Rows, g.Cols) : new Shape(count, g.Rows, g.Cols, g.Channels);
        var x = bytes ? new NDArray(raw, shape) : new NDArray(values, shape);
        return (ImageArray.Wrap(x, g.IsChannelsFirst != 0 ? DataFormat.ChannelsFirst : DataFormat.ChannelsLast), values);
    }

    /// <summary>Each output pixel of an order-1 warp from its definition (see the class summary).</summary>
    private static float[] Reference(float[] src, ImageGeometry g, SamplingGrid grid, FillMode mode, float cval)
    {
        var result = new float[g.Size];
        for (int r = 0; r < g.Rows; r++)
        {
            var exact = new ExactRow(grid, r);
            double y = grid.Row0 + (r * grid.RowPerRow), x = grid.Col0 + (r * grid.ColPerRow);
            double dy = grid.RowPerCol, dx = grid.ColPerCol;
            InteriorSpan.Find(y, dy, g.Rows, x, dx, g.Cols, out int c0, out int c1);
            c1 = Math.Max(c1, c0);
            while (c0 < c1 && !exact.IsInside(c0, g.Rows, g.Cols))
            {
                c0++;
            }

            while (c1 > c0 && !exact.IsInside(c1 - 1, g.Rows, g.Cols))
            {
                c1--;
            }

            for (int c = 0; c < g.Cols; c++)
            {
                for (int ch = 0; ch < g.Channels; ch++)
                {
                    int o = (r * g.RowStride) + (c * g.PixelStride) + (ch * g.ChannelStride);
                    int k = ch * g.ChannelStride;
                    int At(int row, int col) => (row * g.RowStride) + (col * g.PixelStride) + k;
                    if (grid.IsPixelAligned != 0)
                    {
                        var a = TapsOfMode.Compute(grid.RowAt(r, c), grid.ColAt(r, c), g.Rows, g.Cols, mode, 0);
                        result[o] = src[At(a.Row0, a.Col0)];
                    }
                    else if (c >= c0 && c < c1)
                    {
                        double yy = y + ((double)c * dy), xx = x + ((double)c * dx);
                        int iy = (int)yy, ix = (int)xx;
                        result[o] = Taps.Blend(src[At(iy, ix)], src[At(iy, ix + 1)], src[At(iy + 1, ix)], src[At(iy + 1, ix + 1)], (float)(yy - iy), (float)(xx - ix));
                    }
                    else
                    {
                        var t = TapsOfMode.Compute(exact.Y(c), exact.X(c), g.Rows, g.Cols, mode, 1);
                        float Tap(int row, int col) => row < 0 || col < 0 ? cval : src[At(row, col)];
                        result[o] = t.IsOutside != 0 ? cval : Taps.Blend(Tap(t.Row0, t.Col0), Tap(t.Row0, t.Col1), Tap(t.Row1, t.Col0), Tap(t.Row1, t.Col1), t.RowWeight, t.ColWeight);
                    }
                }
            }
        }

        return result;
    }

    private static void AssertBitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, the per-pixel definition gives {expected[i]:R}");
            }
        }
    }
}
