using ILGPU;
using Keras.Preprocessing.Memory.Execution;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The output pixel one warp thread computes (one thread per batch × rows × cols): its sample and plan, its row
/// and column, where its first channel lands in the batch, and whether the fused finish and the augmentations
/// beyond Keras run in the warp for it. Shared by the point-sampler and the spline warp kernels.
/// </summary>
internal readonly struct WarpPixel
{
    /// <summary>The sample (image of the batch).</summary>
    public readonly int Sample;

    /// <summary>The output row.</summary>
    public readonly int Row;

    /// <summary>The output column.</summary>
    public readonly int Col;

    /// <summary>The sample's plan.</summary>
    public readonly SamplePlan Plan;

    /// <summary>Index of the pixel's first channel in the batch.</summary>
    public readonly long Destination;

    /// <summary>Whether the standardization runs in the warp (nothing whole-image is needed for this sample).</summary>
    public readonly bool Finish;

    /// <summary>Whether the augmentations beyond Keras run in the warp too.</summary>
    public readonly bool Extensions;

    public WarpPixel(Index1D index, in KernelViews views)
    {
        var args = views.Arguments;
        var g = args.Geometry;
        int pixels = g.Rows * g.Cols;
        Sample = index / pixels;
        int p = index - (Sample * pixels);
        Row = p / g.Cols;
        Col = p - (Row * g.Cols);
        Plan = views.Plans[Sample];
        Destination = ((long)Sample * g.Size) + ((long)Row * g.RowStride) + ((long)Col * g.PixelStride);
        Finish = args.Fused != 0 && !Plan.NeedsExtremes;
        Extensions = Finish && args.ExtensionsAt == KernelArguments.ExtensionsInWarpOrFinish && Plan.Extensions.IsActive;
    }
}
