using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Generator;

/// <summary>Standardization paths the fixtures do not pin: flow's fused path, callbacks, warnings, brightness ranges.</summary>
[TestClass]
public sealed class StandardizeBehaviourTests
{
    [TestMethod]
    public void FlowStandardizesEachImageLikeStandardize()
    {
        using var x = np.random.rand(12, 9, 7, 3).astype(NPTypeCode.Single);
        foreach (var g in new[]
        {
            new ImageDataGenerator(rescale: 0.5, featurewise_center: true, featurewise_std_normalization: true),
            new ImageDataGenerator(rescale: 2.0, samplewise_center: true, samplewise_std_normalization: true),
            new ImageDataGenerator(featurewise_center: true, channel_shift_range: 0.0, horizontal_flip: false),
        })
        {
            g.fit(x);
            using var it = g.flow(x, batch_size: 12, shuffle: false);
            var batch = TestData.Floats(it.next().x);
            int size = 9 * 7 * 3;
            for (int i = 0; i < 12; i++)
            {
                var one = TestData.Floats(g.standardize(x[i].copy()));
                for (int k = 0; k < size; k++)
                {
                    Assert.AreEqual(one[k], batch[(i * size) + k], 1e-5f);
                }
            }
        }
    }

    [TestMethod]
    public void PreprocessingFunctionRunsBeforeRescale()
    {
        using var x = np.ones(new Shape(2, 4, 4, 1), NPTypeCode.Single);
        var g = new ImageDataGenerator(rescale: 10, preprocessing_function: img => img + 1);
        using var it = g.flow(x, batch_size: 2, shuffle: false);
        Assert.IsTrue(TestData.Floats(it.next().x).All(v => v == 20f));
    }

    [TestMethod]
    public void PreprocessingFunctionMustKeepTheShape()
    {
        using var x = np.ones(new Shape(2, 4, 4, 1), NPTypeCode.Single);
        var g = new ImageDataGenerator(preprocessing_function: img => np.zeros(new Shape(2, 2, 1), NPTypeCode.Single));
        using var it = g.flow(x, batch_size: 2);
        var e = Assert.Throws<Exception>(() => it.next());
        StringAssert.Contains(e.ToString(), "same shape");
    }

    [TestMethod]
    [DoNotParallelize] // listens to KerasWarnings, a process-wide event
    public void FeaturewiseWithoutFitWarnsAndSkips()
    {
        var warnings = new List<string>();
        void Capture(string m) => warnings.Add(m);
        KerasWarnings.Warned += Capture;
        try
        {
            using var x = np.ones(new Shape(2, 3, 3, 3), NPTypeCode.Single);
            using var it = new ImageDataGenerator(featurewise_center: true).flow(x, batch_size: 2);
            Assert.IsTrue(TestData.Floats(it.next().x).All(v => v == 1f));
        }
        finally
        {
            KerasWarnings.Warned -= Capture;
        }

        Assert.IsTrue(warnings.Any(w => w.Contains("hasn't been fit on any training data")));
    }

    [TestMethod]
    public void FitWithAugmentationUsesRoundsOfAugmentedCopies()
    {
        using var x = np.random.rand(6, 10, 10, 3).astype(NPTypeCode.Single);
        var g = new ImageDataGenerator(featurewise_center: true, rotation_range: 45, fill_mode: "constant", cval: 5);
        g.fit(x, augment: true, rounds: 3, seed: 1);
        var withCval = g.mean!.ToArray<float>();

        var plain = new ImageDataGenerator(featurewise_center: true);
        plain.fit(x);
        Assert.IsTrue(withCval.Zip(plain.mean!.ToArray<float>()).All(p => p.First > p.Second), "rotated corners filled with 5 raise the mean");
        CollectionAssert.AreEqual(new long[] { 1, 1, 3 }, g.mean.shape);
    }

    [TestMethod]
    public void BrightnessOnUnitRangeImagesKeepsTheRange()
    {
        // The reference would return 0..255 here; we keep [0, 1] and do not quantise (docs/porting.md).
        using var x = new NDArray(new float[] { 0f, 0.2f, 0.5f, 0.8f }, new Shape(2, 2, 1));
        var g = new ImageDataGenerator();
        var darker = TestData.Floats(g.apply_transform(x, new Dictionary<string, object?> { ["brightness"] = 0.5 }));
        CollectionAssert.AreEqual(new[] { 0f, 0.1f, 0.25f, 0.4f }, darker);
        var brighter = TestData.Floats(g.apply_transform(x, new Dictionary<string, object?> { ["brightness"] = 2.0 }));
        CollectionAssert.AreEqual(new[] { 0f, 0.4f, 0.8f, 0.8f }, brighter, "clipped to the image's own max, as PIL clips to 255");
    }
}
