using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>One batch's work for an executor: which images, how to transform each, and how to standardize.</summary>
internal sealed class AugmentationRequest
{
    [NumSharp.NDBorrowed]
    public required ImageArray Source { get; init; }

    /// <summary>One plan per output image, in batch order.</summary>
    public required SamplePlan[] Plans { get; init; }

    public required FillMode FillMode { get; init; }

    public required float Cval { get; init; }

    /// <summary>Spline order: 0 nearest, 1 bilinear.</summary>
    public required int InterpolationOrder { get; init; }

    public required Standardization Standardization { get; init; }
}
