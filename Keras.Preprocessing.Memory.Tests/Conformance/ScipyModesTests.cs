using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Tests.Conformance;

/// <summary>The per-pixel boundary and interpolation math against scipy.ndimage.affine_transform itself.</summary>
[TestClass]
public sealed class ScipyModesTests
{
    public static IEnumerable<object[]> Cases => Fixture.Cases("scipy_modes");

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void TapsMatchScipy(string name)
    {
        var c = Fixture.Case("scipy_modes", name);
        var input = Fixture.Load(c.GetProperty("input").GetString()!);
        var expected = Fixture.Load(c.GetProperty("expected").GetString()!);
        var m = c.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var offset = c.GetProperty("offset").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var mode = FillModes.Parse(c.GetProperty("mode").GetString()!);
        int order = c.GetProperty("order").GetInt32();
        float cval = (float)c.GetProperty("cval").GetDouble();
        int rows = (int)input.shape[0], cols = (int)input.shape[1];
        var src = Fixture.Doubles(input);
        var want = Fixture.Doubles(expected);

        for (int r = 0; r < rows; r++)
        {
            for (int col = 0; col < cols; col++)
            {
                double y = (m[0][0] * r) + (m[0][1] * col) + offset[0];
                double x = (m[1][0] * r) + (m[1][1] * col) + offset[1];
                var t = Taps.Compute(y, x, rows, cols, mode, order);
                double got = t.IsOutside != 0
                    ? cval
                    : Taps.Blend((float)src[(t.Row0 * cols) + t.Col0], (float)src[(t.Row0 * cols) + t.Col1], (float)src[(t.Row1 * cols) + t.Col0], (float)src[(t.Row1 * cols) + t.Col1], t.RowWeight, t.ColWeight);
                Assert.AreEqual(want[(r * cols) + col], got, 1e-5, $"{name} at ({r}, {col}) sampling ({y}, {x})");
            }
        }
    }
}
