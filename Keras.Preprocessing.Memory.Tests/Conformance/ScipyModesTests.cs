using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Tests.Engine;

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
        var image = Array.ConvertAll(src, v => (float)v);

        for (int r = 0; r < rows; r++)
        {
            for (int col = 0; col < cols; col++)
            {
                // scipy 1.10's order: (r·m00 + c·m01) + offset.
                double y = ((r * m[0][0]) + (col * m[0][1])) + offset[0];
                double x = ((r * m[1][0]) + (col * m[1][1])) + offset[1];
                double got = TapsOfMode.Sample(image, rows, cols, y, x, mode, order, cval);
                Assert.AreEqual(want[(r * cols) + col], got, 1e-5, $"{name} at ({r}, {col}) sampling ({y}, {x})");
            }
        }
    }
}
