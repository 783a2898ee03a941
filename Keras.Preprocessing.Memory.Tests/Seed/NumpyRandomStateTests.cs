using System.Text.Json;
using Keras.Preprocessing.Memory.Sampling;

namespace Keras.Preprocessing.Memory.Tests.Seed;

/// <summary>
/// The MT19937 / legacy RandomState emulation against numpy 1.24's own draws for several seeds (fixtures from
/// Fixtures/numpy_seed/generate_numpy_seed.py): raw 32-bit outputs, random_sample, uniform, randint (32- and
/// 64-bit ranges), choice([-1, 1]) and permutation, in the order the script drew them from one state.
/// </summary>
[TestClass]
public sealed class NumpyRandomStateTests
{
    public static IEnumerable<object[]> Seeds =>
        Manifest().GetProperty("raw").EnumerateArray().Select(c => new object[] { c.GetProperty("seed").GetInt64() });

    [TestMethod]
    [DynamicData(nameof(Seeds))]
    public void DrawsAreNumpysForSeed(long seed)
    {
        var c = Manifest().GetProperty("raw").EnumerateArray().Single(e => e.GetProperty("seed").GetInt64() == seed);
        var state = new NumpyRandomState(seed);

        // randint(0, 2**32, dtype=uint32): the raw tempered outputs.
        foreach (var expected in c.GetProperty("uint32").EnumerateArray())
        {
            Assert.AreEqual(expected.GetUInt32(), state.NextUInt32(), $"seed {seed}: raw output");
        }

        foreach (var expected in c.GetProperty("random_sample").EnumerateArray())
        {
            Assert.AreEqual(expected.GetDouble(), state.RandomSample(), 0.0, $"seed {seed}: random_sample");
        }

        foreach (var expected in c.GetProperty("uniform_-30_30").EnumerateArray())
        {
            Assert.AreEqual(expected.GetDouble(), state.Uniform(-30, 30), 0.0, $"seed {seed}: uniform");
        }

        foreach (var range in c.GetProperty("randint_0_hi").EnumerateObject())
        {
            long high = long.Parse(range.Name, System.Globalization.CultureInfo.InvariantCulture);
            foreach (var expected in range.Value.EnumerateArray())
            {
                Assert.AreEqual(expected.GetInt64(), state.RandInt(0, high), $"seed {seed}: randint(0, {high})");
            }
        }

        var draws = new NumpyDraws(state);
        foreach (var expected in c.GetProperty("choice_signs").EnumerateArray())
        {
            Assert.AreEqual(expected.GetInt32(), draws.NextSign(), $"seed {seed}: choice([-1, 1])");
        }

        foreach (var perm in c.GetProperty("permutation").EnumerateObject())
        {
            int n = int.Parse(perm.Name, System.Globalization.CultureInfo.InvariantCulture);
            CollectionAssert.AreEqual(perm.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray(), state.Permutation(n), $"seed {seed}: permutation({n})");
        }
    }

    [TestMethod]
    public void LongRunCrossesStateRegenerations()
    {
        using var expected = Fixture.Load(Manifest().GetProperty("raw_uint32_seed2024").GetString()!);
        var values = expected.ToArray<uint>();
        Assert.HasCount(1500, values);
        var state = new NumpyRandomState(2024);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.AreEqual(values[i], state.NextUInt32(), $"output {i}");
        }
    }

    [TestMethod]
    public void SeedOutsideNumpysRangeIsRefused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NumpyRandomState(-1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NumpyRandomState(1L << 32));
        Assert.ThrowsExactly<ArgumentException>(() => new NumpyRandomState(0).RandInt(3, 3));
    }

    [TestMethod]
    public void ReseedingRestartsTheStream()
    {
        var state = new NumpyRandomState(42);
        double first = state.RandomSample();
        state.RandomSample();
        state.Seed(42);
        Assert.AreEqual(first, state.RandomSample(), 0.0);
    }

    internal static JsonElement Manifest()
    {
        using var stream = File.OpenRead(Path.Combine(Fixture.Root, "numpy_seed", "manifest.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    }
}
