namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// Per-output-pixel filter taps for one axis, as PIL's <c>precompute_coeffs</c> and
/// <c>normalize_coeffs_8bpc</c> build them: the support widens with the downscale factor,
/// weights are normalised in double, then stored in 22-bit fixed point.
/// </summary>
internal sealed class ResampleCoefficients
{
    /// <summary>Fractional bits of the fixed-point weights (PIL: 32 - 8 - 2).</summary>
    public const int PrecisionBits = 22;

    private ResampleCoefficients(int kernelSize, int[] bounds, int[] weights)
    {
        KernelSize = kernelSize;
        Bounds = bounds;
        Weights = weights;
    }

    /// <summary>Stride between consecutive output pixels in <see cref="Weights"/>.</summary>
    public int KernelSize { get; }

    /// <summary>Pairs (first input index, tap count), one pair per output pixel.</summary>
    public int[] Bounds { get; }

    /// <summary>Fixed-point weights, <see cref="KernelSize"/> per output pixel.</summary>
    public int[] Weights { get; }

    public int First(int outIndex) => Bounds[2 * outIndex];

    public int Count(int outIndex) => Bounds[2 * outIndex + 1];

    public ReadOnlySpan<int> Taps(int outIndex) => Weights.AsSpan(outIndex * KernelSize, Count(outIndex));

    /// <param name="inSize">Length of the input axis.</param>
    /// <param name="in0">Start of the box on this axis (a C float in PIL).</param>
    /// <param name="in1">End of the box on this axis.</param>
    /// <param name="outSize">Length of the output axis.</param>
    /// <param name="filter">The kernel.</param>
    public static ResampleCoefficients Compute(int inSize, float in0, float in1, int outSize, ResampleFilter filter)
    {
        // (in1 - in0) is a float subtraction in PIL before the widening to double.
        double scale = (double)(in1 - in0) / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filter.Support * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;

        var bounds = new int[outSize * 2];
        var weights = new int[checked(outSize * kernelSize)];
        Span<double> k = kernelSize <= 256 ? stackalloc double[kernelSize] : new double[kernelSize];
        double inverseFilterScale = 1.0 / filterScale;

        for (int xx = 0; xx < outSize; xx++)
        {
            double center = in0 + (xx + 0.5) * scale;
            // C casts truncate toward zero, as C# casts do.
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            double sum = 0.0;
            for (int x = 0; x < xmax; x++)
            {
                double w = filter.Evaluate((x + xmin - center + 0.5) * inverseFilterScale);
                k[x] = w;
                sum += w;
            }
            Span<int> fixedTaps = weights.AsSpan(xx * kernelSize, kernelSize);
            for (int x = 0; x < xmax; x++)
            {
                double w = sum != 0.0 ? k[x] / sum : k[x];
                fixedTaps[x] = w < 0
                    ? (int)(-0.5 + w * (1 << PrecisionBits))
                    : (int)(0.5 + w * (1 << PrecisionBits));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = Math.Max(xmax, 0);
        }
        return new ResampleCoefficients(kernelSize, bounds, weights);
    }
}
