using ILGPU;
using Keras.Preprocessing.Memory.Augmentations;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The ILGPU kernels. Every formula comes from PixelMath (<see cref="Taps"/>, <see cref="BoundaryMapping"/>,
/// <see cref="ChannelShift"/>, <see cref="PilBrightness"/>, <see cref="Normalization"/>) and the
/// <see cref="SamplingGrid"/> of each <see cref="SamplePlan"/>, exactly as the CPU engine calls them, so both
/// paths agree to the rounding. A batch runs as: <see cref="Warp{TSource, TMode}"/> (one thread per output pixel:
/// gather, warp, flips, and for samples needing nothing whole-image, the standardization too), then only when
/// needed <see cref="ComputeStatistics"/> (one thread group per image: extremes, mean, std, coefficients) and
/// <see cref="Finish"/> (one thread per element), and <see cref="Whiten"/> for ZCA.
/// </summary>
internal static class AugmentationKernels
{
    /// <summary>Threads per group in <see cref="ComputeStatistics"/> at most (the size of its shared scratch).</summary>
    public const int GroupCapacity = 256;

    /// <summary>
    /// One thread per output pixel (batch × rows × cols): reads the taps through the sample's grid from the
    /// dataset on the device, blends them and writes every channel of the pixel. Specialised per source dtype
    /// and per boundary mode (<typeparamref name="TMode"/>), so no mode switch runs per pixel; the coordinates are
    /// scipy's exact ones (<see cref="SamplingGrid.ExactRowAt"/>).
    /// </summary>
    public static void Warp<TSource, TMode>(Index1D index, TSource source, KernelViews views)
        where TSource : struct, IElementReader
        where TMode : struct, IBoundaryMode
    {
        var args = views.Arguments;
        var output = views.Images;
        var g = args.Geometry;
        int pixels = g.Rows * g.Cols;
        int s = index / pixels;
        int p = index - (s * pixels);
        int r = p / g.Cols;
        int c = p - (r * g.Cols);
        var plan = views.Plans[s];
        var grid = plan.Grid;
        long src = (long)plan.SourceIndex * g.Size;
        long dst = ((long)s * g.Size) + ((long)r * g.RowStride) + ((long)c * g.PixelStride);
        bool finish = args.Fused != 0 && !plan.NeedsExtremes;
        bool extensions = finish && args.ExtensionsAt == KernelArguments.ExtensionsInWarpOrFinish && plan.Extensions.IsActive;

        if (grid.IsPixelAligned != 0)
        {
            // Flips only: whole input pixels, no interpolation (the CPU's copy path).
            long at = src + ((long)(int)grid.RowAt(r, c) * g.RowStride) + ((long)(int)grid.ColAt(r, c) * g.PixelStride);
            for (int ch = 0; ch < g.Channels; ch++)
            {
                float v = source.Read(at + ((long)ch * g.ChannelStride));
                v = finish ? Standardize(v, s, ch, dst - ((long)s * g.Size) + ((long)ch * g.ChannelStride), views) : v;
                output[dst + ((long)ch * g.ChannelStride)] = extensions ? AugmentationHooks.ApplyToElement(v, plan.Extensions, r, c, ch) : v;
            }

            return;
        }

        var t = Taps.Compute<TMode>(grid.ExactRowAt(r, c), grid.ExactColAt(r, c), g.Rows, g.Cols, args.Order);
        long top = src + ((long)t.Row0 * g.RowStride), bottom = src + ((long)t.Row1 * g.RowStride);
        long left = (long)t.Col0 * g.PixelStride, right = (long)t.Col1 * g.PixelStride;
        bool topLeftIn = (t.Row0 | t.Col0) >= 0, topRightIn = (t.Row0 | t.Col1) >= 0;
        bool bottomLeftIn = (t.Row1 | t.Col0) >= 0, bottomRightIn = (t.Row1 | t.Col1) >= 0;
        for (int ch = 0; ch < g.Channels; ch++)
        {
            long k = (long)ch * g.ChannelStride;
            float v;
            if (t.IsOutside != 0)
            {
                v = args.Cval;
            }
            else if (args.Order == 0)
            {
                v = topLeftIn ? source.Read(top + left + k) : args.Cval;
            }
            else
            {
                // A tap index of -1 (grid-constant, outside the image) reads cval.
                v = Taps.Blend(
                    topLeftIn ? source.Read(top + left + k) : args.Cval,
                    topRightIn ? source.Read(top + right + k) : args.Cval,
                    bottomLeftIn ? source.Read(bottom + left + k) : args.Cval,
                    bottomRightIn ? source.Read(bottom + right + k) : args.Cval,
                    t.RowWeight,
                    t.ColWeight);
            }

            long element = dst - ((long)s * g.Size) + k;
            v = finish ? Standardize(v, s, ch, element, views) : v;
            output[dst + k] = extensions ? AugmentationHooks.ApplyToElement(v, plan.Extensions, r, c, ch) : v;
        }
    }

    /// <summary>
    /// The warp's last step for channel <paramref name="ch"/> of output pixel (r, c) at <paramref name="dst"/>: the fused
    /// standardization and the augmentations beyond Keras when this sample takes them here, then the store. Shared
    /// by <see cref="Warp{TSource, TMode}"/>'s spline sibling (<see cref="SplineKernels.WarpSpline{TSource, TMode}"/>).
    /// </summary>
    internal static void StoreWarped(float v, int s, int r, int c, int ch, long dst, in SamplePlan plan, in KernelViews views, bool finish, bool extensions)
    {
        var g = views.Arguments.Geometry;
        long k = (long)ch * g.ChannelStride;
        v = finish ? Standardize(v, s, ch, dst - ((long)s * g.Size) + k, views) : v;
        views.Images[dst + k] = extensions ? AugmentationHooks.ApplyToElement(v, plan.Extensions, r, c, ch) : v;
    }

    /// <summary>
    /// One thread group per image: a deterministic tree reduction (same order every run) of the warped image's
    /// extremes, then of its mean and squared deviations after the value shifts, when those are needed. Thread 0
    /// stores the extremes and, for samplewise steps, the image's per-channel coefficients.
    /// </summary>
    public static void ComputeStatistics(KernelViews views)
    {
        var args = views.Arguments;
        var images = views.Images;
        var mins = SharedMemory.Allocate<float>(GroupCapacity);
        var maxs = SharedMemory.Allocate<float>(GroupCapacity);
        var sums = SharedMemory.Allocate<double>(GroupCapacity);
        int s = Grid.IdxX, t = Group.IdxX, threads = Group.DimX;
        var g = args.Geometry;
        long size = g.Size;
        long start = s * size;
        var plan = views.Plans[s];

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        if (plan.NeedsExtremes)
        {
            for (long i = t; i < size; i += threads)
            {
                float v = images[start + i];
                min = v < min ? v : min;
                max = v > max ? v : max;
            }

            mins[t] = min;
            maxs[t] = max;
            Group.Barrier();
            for (int half = threads / 2; half > 0; half /= 2)
            {
                if (t < half)
                {
                    mins[t] = mins[t + half] < mins[t] ? mins[t + half] : mins[t];
                    maxs[t] = maxs[t + half] > maxs[t] ? maxs[t + half] : maxs[t];
                }

                Group.Barrier();
            }

            min = mins[0];
            max = maxs[0];
        }

        double mean = 0, squares = 0;
        if (args.Samplewise != 0)
        {
            double sum = 0;
            for (long i = t; i < size; i += threads)
            {
                sum += ApplyValueShifts(images[start + i], plan, min, max, g.ChannelOf(i), g.Channels);
            }

            mean = SumOverGroup(sums, sum, t, threads) / size;
            if (args.SamplewiseStd != 0)
            {
                double deviations = 0;
                for (long i = t; i < size; i += threads)
                {
                    double d = ApplyValueShifts(images[start + i], plan, min, max, g.ChannelOf(i), g.Channels) - mean;
                    deviations += d * d;
                }

                squares = SumOverGroup(sums, deviations, t, threads);
            }
        }

        if (t != 0)
        {
            return;
        }

        views.Extremes[s] = new ImageExtremes(min, max);
        if (args.Samplewise != 0)
        {
            var moments = Normalization.ComputeSampleStatistics(mean, squares, size, args.Rescale, args.SamplewiseCenter, args.SamplewiseStd);
            for (int ch = 0; ch < g.Channels; ch++)
            {
                views.Coefficients[(s * g.Channels) + ch] = Normalization.ComputeChannelCoefficients(
                    args.Rescale,
                    moments.Mean,
                    moments.Divisor,
                    args.ChannelMean,
                    args.ChannelMean != 0 ? views.FeatureMean[ch] : 0,
                    args.ChannelStd,
                    args.ChannelStd != 0 ? views.FeatureStd[ch] : 0);
            }
        }
    }

    /// <summary>
    /// One thread per element of the batch: the value shifts that need the image's extremes, then the standardize
    /// steps with the coefficients of its image. Samples the warp kernel already finished are left alone.
    /// </summary>
    public static void Finish(Index1D index, KernelViews views)
    {
        var args = views.Arguments;
        var images = views.Images;
        var g = args.Geometry;
        int size = g.Size;
        int s = index / size;
        int element = index - (s * size);
        var plan = views.Plans[s];
        if (args.Fused != 0 && !plan.NeedsExtremes)
        {
            return;
        }

        int ch = g.ChannelOf(element);
        float v = images[index];
        if (plan.NeedsExtremes)
        {
            var e = views.Extremes[s];
            v = ApplyValueShifts(v, plan, e.Min, e.Max, ch, g.Channels);
        }

        if (args.Standardize != 0)
        {
            v = Standardize(v, s, ch, element, views);
        }

        if (args.ExtensionsAt == KernelArguments.ExtensionsInWarpOrFinish && plan.Extensions.IsActive)
        {
            v = ApplyExtensions(v, plan, element, g);
        }

        images[index] = v;
    }

    /// <summary>
    /// ZCA: one thread per element of the batch, the flattened image times column j of the components, summed
    /// in the CPU's order (k ascending, zero inputs skipped) so the two agree.
    /// </summary>
    public static void Whiten(Index1D index, KernelViews views, ArrayView<float> components, ArrayView<float> output)
    {
        var input = views.Images;
        var g = views.Arguments.Geometry;
        int size = g.Size;
        int s = index / size;
        int j = index - (s * size);
        long row = (long)s * size;
        float sum = 0;
        for (int k = 0; k < size; k++)
        {
            float xk = input[row + k];
            if (xk != 0)
            {
                sum = (components[((long)k * size) + j] * xk) + sum;
            }
        }

        if (views.Arguments.ExtensionsAt == KernelArguments.ExtensionsInWhiten)
        {
            var plan = views.Plans[s];
            if (plan.Extensions.IsActive)
            {
                sum = ApplyExtensions(sum, plan, j, g);
            }
        }

        output[index] = sum;
    }

    /// <summary>The augmentations beyond Keras on element <paramref name="element"/> (within its image) of a finished image.</summary>
    private static float ApplyExtensions(float v, SamplePlan plan, int element, ImageGeometry g)
    {
        int pixel = g.IsChannelsFirst != 0 ? element % (g.Rows * g.Cols) : element / g.Channels;
        int r = pixel / g.Cols;
        return AugmentationHooks.ApplyToElement(v, plan.Extensions, r, pixel - (r * g.Cols), g.ChannelOf(element));
    }

    /// <summary>Channel shift then brightness, with the warped image's extremes, as the CPU's FinishImage does.</summary>
    private static float ApplyValueShifts(float v, SamplePlan plan, float min, float max, int ch, int channels)
    {
        if (plan.HasChannelShift != 0)
        {
            v = ChannelShift.Apply(v, plan.ChannelShift, min, max);
            var shifted = ChannelShift.ShiftExtremes(plan.ChannelShift, min, max);
            min = shifted.Min;
            max = shifted.Max;
        }

        if (plan.HasBrightness != 0)
        {
            v = PilBrightness.Apply(v, min, max, plan.Brightness, PilBrightness.IsAlpha(ch, channels));
        }

        return v;
    }

    /// <summary>The affine of image <paramref name="s"/>, then any element-wise featurewise statistics.</summary>
    private static float Standardize(float v, int s, int ch, long element, in KernelViews views)
    {
        var args = views.Arguments;
        v = views.Coefficients[(s * args.Geometry.Channels) + ch].Apply(v);
        if (args.ElementwiseFeatures != 0)
        {
            float mean = args.HasMean != 0 ? views.FeatureMean[args.MeanPerChannel != 0 ? ch : element] : 0;
            float std = args.HasStd != 0 ? views.FeatureStd[args.StdPerChannel != 0 ? ch : element] : 0;
            v = Normalization.ApplyFeature(v, args.HasMean, mean, args.HasStd, std);
        }

        return v;
    }

    /// <summary>Sums one value per thread of the group in a fixed tree order; every thread gets the total.</summary>
    private static double SumOverGroup(ArrayView<double> scratch, double value, int t, int threads)
    {
        scratch[t] = value;
        Group.Barrier();
        for (int half = threads / 2; half > 0; half /= 2)
        {
            if (t < half)
            {
                scratch[t] += scratch[t + half];
            }

            Group.Barrier();
        }

        double total = scratch[0];
        Group.Barrier(); // all have read the total before the scratch is reused
        return total;
    }
}
