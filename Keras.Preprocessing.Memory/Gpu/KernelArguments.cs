using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The per-batch constants every kernel reads, passed by value (blittable: ints for flags, as ILGPU wants).
/// </summary>
internal struct KernelArguments
{
    /// <summary>Shape and strides of one image (source and output share them).</summary>
    public ImageGeometry Geometry;

    /// <summary>scipy's boundary mode.</summary>
    public FillMode Mode;

    /// <summary>The constant-mode fill value.</summary>
    public float Cval;

    /// <summary>Spline order: 0 nearest, 1 bilinear.</summary>
    public int Order;

    /// <summary>
    /// 1 when no step needs whole-image statistics beyond the per-sample value shifts: samples without a channel
    /// shift or brightness are then finished (standardized) in the warp kernel itself, in one pass.
    /// </summary>
    public int Fused;

    /// <summary>0 when the standardize steps run on the host after download (a <c>preprocessing_function</c> comes first).</summary>
    public int Standardize;

    /// <summary>1 when any samplewise step is on (the statistics kernel then derives per-image coefficients).</summary>
    public int Samplewise;

    /// <summary>Keras <c>samplewise_center</c>.</summary>
    public int SamplewiseCenter;

    /// <summary>Keras <c>samplewise_std_normalization</c>.</summary>
    public int SamplewiseStd;

    /// <summary>Keras <c>rescale</c> (1 when none).</summary>
    public double Rescale;

    /// <summary>1 when the featurewise mean is folded into the per-channel coefficients.</summary>
    public int ChannelMean;

    /// <summary>1 when the featurewise std is folded into the per-channel coefficients.</summary>
    public int ChannelStd;

    /// <summary>1 when featurewise statistics are applied per element after the affine (a whole-image mean or std).</summary>
    public int ElementwiseFeatures;

    /// <summary>Whether a featurewise mean is applied at all.</summary>
    public int HasMean;

    /// <summary>Whether a featurewise std is applied at all.</summary>
    public int HasStd;

    /// <summary>1 when the mean holds one value per channel (else one per element).</summary>
    public int MeanPerChannel;

    /// <summary>1 when the std holds one value per channel (else one per element).</summary>
    public int StdPerChannel;

    /// <summary>
    /// Where the augmentations beyond Keras (the last step) run: <see cref="ExtensionsOnHost"/>,
    /// <see cref="ExtensionsInWarpOrFinish"/> (the kernel that writes a sample's final value) or
    /// <see cref="ExtensionsInWhiten"/> (after ZCA on the device).
    /// </summary>
    public int ExtensionsAt;

    /// <summary>Thread groups per image in the statistics passes (set by the executor from the device's size).</summary>
    public int StatisticsParts;

    public const int ExtensionsOnHost = 0, ExtensionsInWarpOrFinish = 1, ExtensionsInWhiten = 2;
}

/// <summary>What one batch runs where: the kernel arguments, and the steps left to the host.</summary>
internal readonly record struct BatchWork(KernelArguments Arguments, bool Callback, bool HostZca, bool ZcaOnDevice)
{
    public bool HostSteps => Callback || HostZca;

    /// <summary>
    /// Decides a batch's work from its standardization before anything runs; <paramref name="zcaFits"/> says
    /// whether the ZCA matrix fits on the device.
    /// </summary>
    public static BatchWork Plan(AugmentationRequest request, Func<float[], bool> zcaFits)
    {
        var g = request.Source.Geometry;
        var st = request.Standardization;
        bool callback = st.PreprocessingFunction is not null;
        bool samplewise = !callback && (st.SamplewiseCenter || st.SamplewiseStdNormalization);
        bool elementwise = st.HasElementwiseFeatures(g.Channels);
        bool hasMean = !callback && st.FeatureMean is not null;
        bool hasStd = !callback && st.FeatureStd is not null;
        bool zca = st.PrincipalComponents is not null;
        bool zcaOnDevice = zca && !callback && zcaFits(st.PrincipalComponents!);
        var args = new KernelArguments
        {
            Geometry = g,
            Mode = request.FillMode,
            Cval = request.Cval,
            Order = request.InterpolationOrder,
            Fused = callback || samplewise ? 0 : 1,
            Standardize = callback ? 0 : 1,
            Samplewise = samplewise ? 1 : 0,
            SamplewiseCenter = st.SamplewiseCenter ? 1 : 0,
            SamplewiseStd = st.SamplewiseStdNormalization ? 1 : 0,
            Rescale = st.Rescale ?? 1f,
            ChannelMean = hasMean && !elementwise ? 1 : 0,
            ChannelStd = hasStd && !elementwise ? 1 : 0,
            ElementwiseFeatures = elementwise && !callback ? 1 : 0,
            HasMean = hasMean ? 1 : 0,
            HasStd = hasStd ? 1 : 0,
            MeanPerChannel = st.FeatureMean?.Length == g.Channels ? 1 : 0,
            StdPerChannel = st.FeatureStd?.Length == g.Channels ? 1 : 0,
            ExtensionsAt = callback || (zca && !zcaOnDevice) ? KernelArguments.ExtensionsOnHost
                : zcaOnDevice ? KernelArguments.ExtensionsInWhiten
                : KernelArguments.ExtensionsInWarpOrFinish,
        };
        return new BatchWork(args, callback, zca && !zcaOnDevice, zcaOnDevice);
    }
}
