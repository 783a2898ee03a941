using ILGPU;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.PixelMath;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// What every kernel of a batch reads and writes, passed as one value: the per-sample plans, the batch being
/// built, the per-image extremes and standardize coefficients, the featurewise statistics and the per-batch
/// constants. A view a kernel does not use may be left empty.
/// </summary>
internal struct KernelViews
{
    /// <summary>One plan per output image, in batch order.</summary>
    public ArrayView<SamplePlan> Plans;

    /// <summary>
    /// Per sample, the products of its exact sampling coordinates (<see cref="SamplingGrid.WriteProducts"/>,
    /// <see cref="SamplingGrid.ProductCount"/> doubles each), so the warp kernels only add (<see cref="ExactCoordinates"/>).
    /// </summary>
    public ArrayView<double> Coordinates;

    /// <summary>The float32 batch: the warp kernel's output, the later kernels' input and output.</summary>
    public ArrayView<float> Images;

    /// <summary>Each image's min and max after the warp (for channel shift and brightness).</summary>
    public ArrayView<ImageExtremes> Extremes;

    /// <summary>Per thread group of the statistics passes, what it found in its part of an image.</summary>
    public ArrayView<StatisticsPartial> Partials;

    /// <summary>Per image and channel, the standardize affine.</summary>
    public ArrayView<AffineCoefficients> Coefficients;

    /// <summary>The featurewise mean (per channel or per element), or a one-element stand-in.</summary>
    public ArrayView<float> FeatureMean;

    /// <summary>The featurewise std (per channel or per element), or a one-element stand-in.</summary>
    public ArrayView<float> FeatureStd;

    /// <summary>The per-batch constants.</summary>
    public KernelArguments Arguments;
}
