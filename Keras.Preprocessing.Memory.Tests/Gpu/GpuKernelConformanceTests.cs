using NumSharp;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// The GPU executor's kernels against the CPU engine, on the device <see cref="GpuTestData.DeviceVariable"/> picks
/// (ILGPU's CPU accelerator by default; CI has no GPU): every fill mode, interpolation order, transform, value
/// shift and standardize step, within the agreement docs/gpu.md promises (no gross error, at most
/// <see cref="Keras.Preprocessing.Memory.Gpu.FloatSteps.Expected"/> float steps at the batch's scale).
/// </summary>
[TestClass]
public sealed class GpuKernelConformanceTests
{
    /// <summary>ZCA's bound in float steps: a sum of D products, not one blend.</summary>
    private const double ZcaSteps = 64;

    [TestInitialize]
    public void QuietWarnings() => KerasWarnings.WriteToStandardError = false;

    [TestMethod]
    [DataRow("constant", 0)]
    [DataRow("constant", 1)]
    [DataRow("nearest", 0)]
    [DataRow("nearest", 1)]
    [DataRow("reflect", 0)]
    [DataRow("reflect", 1)]
    [DataRow("wrap", 0)]
    [DataRow("wrap", 1)]
    [DataRow("mirror", 0)]
    [DataRow("mirror", 1)]
    [DataRow("grid-wrap", 0)]
    [DataRow("grid-wrap", 1)]
    [DataRow("grid-constant", 0)]
    [DataRow("grid-constant", 1)]
    [DataRow("grid-mirror", 1)]
    [DataRow("nearest", 3)]
    [DataRow("grid-constant", 2)]
    [DataRow("constant", 5)]
    [DataRow("wrap", 4)]
    [DataRow("reflect", 3)]
    [DataRow("grid-wrap", 5)]
    [DataRow("mirror", 2)]
    [DataRow("grid-mirror", 4)]
    public void WarpMatchesCpuForEveryFillModeAndOrder(string fillMode, int order)
    {
        var generator = new ImageDataGenerator(
            rotation_range: 40,
            width_shift_range: 0.3,
            height_shift_range: 0.3,
            shear_range: 20,
            zoom_range: new double[] { 0.6, 1.4 },
            horizontal_flip: true,
            vertical_flip: true,
            fill_mode: fillMode,
            cval: 0.25,
            interpolation_order: order);
        using var x = GpuTestData.Images("float32", 4, 3, top: 1);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);

        GpuTestData.AssertAgrees(agreement, $"{fillMode}/order {order}");
    }

    [TestMethod]
    [DataRow("uint8", 1, false)]
    [DataRow("uint8", 3, false)]
    [DataRow("uint8", 4, false)]
    [DataRow("uint8", 3, true)]
    [DataRow("float32", 1, false)]
    [DataRow("float32", 3, true)]
    [DataRow("float32", 4, true)]
    [DataRow("uint16", 3, false)]
    [DataRow("int16", 1, true)]
    [DataRow("int32", 4, false)]
    [DataRow("float64", 3, false)]
    public void EverySourceDtypeChannelCountAndLayoutMatchesCpu(string dtype, int channels, bool channelsFirst)
    {
        var generator = new ImageDataGenerator(
            rotation_range: 25,
            width_shift_range: 0.2,
            zoom_range: 0.2,
            horizontal_flip: true,
            channel_shift_range: 30,
            brightness_range: (0.6, 1.4),
            data_format: channelsFirst ? "channels_first" : "channels_last");
        using var x = GpuTestData.Images(dtype, 4, channels, channelsFirst);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);

        GpuTestData.AssertAgrees(agreement, $"{dtype} {channels}ch {(channelsFirst ? "channels_first" : "channels_last")}");
    }

    [TestMethod]
    public void FlipsOnlyTakeThePixelAlignedPath()
    {
        var generator = new ImageDataGenerator(horizontal_flip: true, vertical_flip: true);
        using var x = GpuTestData.Images("uint8", 6, 3);

        Assert.AreEqual(0, GpuTestData.AgreementWithCpu(generator, x, batchSize: 3, batches: 2).MaxSteps, "flips copy values exactly, on any device");
    }

    [TestMethod]
    [DataRow("float32", 255f, 3)]
    [DataRow("float32", 1f, 3)]
    [DataRow("uint8", 255f, 4)]
    [DataRow("float32", 1f, 4)]
    public void ChannelShiftAndBrightnessMatchCpuInByteAndUnitRanges(string dtype, float top, int channels)
    {
        var generator = new ImageDataGenerator(
            rotation_range: 10,
            channel_shift_range: 0.2 * top,
            brightness_range: (0.3, 1.7));
        using var x = GpuTestData.Images(dtype, 4, channels, top: top);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);

        GpuTestData.AssertAgrees(agreement, $"{dtype} top {top}");
    }

    [TestMethod]
    [DataRow(true, false, null)]
    [DataRow(false, true, null)]
    [DataRow(true, true, 1.0 / 255)]
    public void SamplewiseStandardizationMatchesCpu(bool center, bool normalize, double? rescale)
    {
        var generator = new ImageDataGenerator(
            samplewise_center: center,
            samplewise_std_normalization: normalize,
            rescale: rescale,
            rotation_range: 20,
            brightness_range: (0.8, 1.2));
        using var x = GpuTestData.Images("uint8", 4, 3);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);

        GpuTestData.AssertAgrees(agreement, $"center {center}, std {normalize}, rescale {rescale}");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void RescaleAndPerChannelFeaturewiseStandardizationMatchCpu(bool channelsFirst)
    {
        var generator = new ImageDataGenerator(
            featurewise_center: true,
            featurewise_std_normalization: true,
            rescale: 1.0 / 255,
            shear_range: 10,
            channel_shift_range: 20,
            data_format: channelsFirst ? "channels_first" : "channels_last");
        using var x = GpuTestData.Images("uint8", 4, 3, channelsFirst);
        generator.fit(x);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);

        GpuTestData.AssertAgrees(agreement, $"rescale and per-channel featurewise, {(channelsFirst ? "channels_first" : "channels_last")}");
    }

    [TestMethod]
    public void ElementwiseFeaturewiseStatisticsMatchCpu()
    {
        var generator = new ImageDataGenerator(featurewise_center: true, featurewise_std_normalization: true, rotation_range: 15);
        using var x = GpuTestData.Images("float32", 4, 3, top: 1);
        using var mean = GpuTestData.Images("float32", 1, 3, top: 0.5f, seed: 5).reshape(12, 17, 3);
        using var std = new NDArray(new[] { 0.2f, 0.3f, 0.4f }, new Shape(1, 1, 3));
        using var fullStd = GpuTestData.Images("float32", 1, 3, top: 0.3f, seed: 7).reshape(12, 17, 3);
        generator.mean = mean;
        generator.std = std;

        var mixed = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);
        generator.std = fullStd + 0.1f;
        var full = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);

        GpuTestData.AssertAgrees(mixed, "element mean, channel std");
        GpuTestData.AssertAgrees(full, "element mean and std");
    }

    [TestMethod]
    public void ZcaWhiteningMatchesCpu()
    {
        var generator = new ImageDataGenerator(zca_whitening: true, zca_epsilon: 1e-2, rotation_range: 10, rescale: 1.0 / 255);
        using var fitData = GpuTestData.Images("float32", 20, 1, rows: 6, cols: 5, seed: 3);
        using var x = GpuTestData.Images("float32", 4, 1, rows: 6, cols: 5, seed: 4);
        generator.fit(fitData);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);

        // The CPU engine's batch product uses fused multiply-adds, the kernel's order of operations differs: a sum of
        // 30 products lands a few more steps apart than one blend does.
        GpuTestData.AssertAgrees(agreement, "ZCA", steps: ZcaSteps);
    }

    [TestMethod]
    public void PreprocessingFunctionRunsOnTheHostAfterTheKernels()
    {
        int calls = 0;
        var generator = new ImageDataGenerator(
            rotation_range: 30,
            channel_shift_range: 20,
            samplewise_center: true,
            featurewise_std_normalization: true,
            preprocessing_function: image =>
            {
                Interlocked.Increment(ref calls);
                return image * 0.5f;
            });
        using var x = GpuTestData.Images("uint8", 4, 3);
        generator.fit(x);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 4);

        GpuTestData.AssertAgrees(agreement, "preprocessing_function");
        Assert.AreEqual(8, calls, "the callback runs once per image on each path");
    }

    [TestMethod]
    public void SeveralBatchesAndEpochsStayEqual()
    {
        var generator = new ImageDataGenerator(rotation_range: 90, zoom_range: 0.3, fill_mode: "reflect", horizontal_flip: true);
        using var x = GpuTestData.Images("uint8", 7, 3);

        var agreement = GpuTestData.AgreementWithCpu(generator, x, batchSize: 3, batches: 5);

        GpuTestData.AssertAgrees(agreement, "5 batches over 2 epochs");
    }
}
