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
/// paths agree to the rounding (up to the fused multiply-adds ptxas makes on a GPU: docs/gpu.md). A batch runs
/// as: <see cref="Warp{TSource, TMode, TSampler}"/> (one thread per output pixel: gather, warp, flips, and for samples needing
/// nothing whole-image, the standardization too), then only when needed <see cref="ReduceStatistics"/> (several
/// thread groups per image: extremes, sum, squared deviations) with <see cref="CombineStatistics"/> (one thread
/// per image: extremes and coefficients) and <see cref="Finish"/> (one thread per element), and
/// <see cref="Whiten"/> for ZCA.
/// </summary>
internal static class AugmentationKernels
{
    /// <summary>Threads per group in <see cref="ReduceStatistics"/> at most (the size of its shared scratch).</summary>
    public const int GroupCapacity = 256;

    /// <summary>
    /// One thread per output pixel (batch × rows × cols): reads the taps through the sample's grid from the
    /// dataset on the device, combines them and writes every channel of the pixel. Specialised per source dtype,
    /// boundary mode (<typeparamref name="TMode"/>) and order 0 or 1 (<typeparamref name="TSampler"/>), so no mode
    /// or order switch runs per pixel; the coordinates are scipy's exact ones, formed without a multiply
    /// (<see cref="ExactCoordinates"/>) so no fused multiply-add can change them.
    /// </summary>
    public static void Warp<TSource, TMode, TSampler>(Index1D index, TSource source, KernelViews views)
        where TSource : struct, IElementReader
        where TMode : struct, IBoundaryMode
        where TSampler : struct, IPointSampler
    {
        var args = views.Arguments;
        var output = views.Images;
        var g = args.Geometry;
        var pixel = new WarpPixel(index, views);
        int s = pixel.Sample, r = pixel.Row, c = pixel.Col;
        var plan = pixel.Plan;
        var grid = plan.Grid;
        long src = (long)plan.SourceIndex * g.Size;
        long dst = pixel.Destination;
        bool finish = pixel.Finish, extensions = pixel.Extensions;

        if (grid.IsPixelAligned != 0)
        {
            // Flips only: whole input pixels, no interpolation (the CPU's copy path), in integers.
            long from = src + ((long)grid.WarpedRow(r) * g.RowStride) + ((long)grid.WarpedCol(c) * g.PixelStride);
            for (int ch = 0; ch < g.Channels; ch++)
            {
                float v = source.Read(from + ((long)ch * g.ChannelStride));
                v = finish ? Standardize(v, s, ch, dst - ((long)s * g.Size) + ((long)ch * g.ChannelStride), views) : v;
                output[dst + ((long)ch * g.ChannelStride)] = extensions ? AugmentationHooks.ApplyToElement(v, plan.Extensions, r, c, ch) : v;
            }

            return;
        }

        var at = new ExactCoordinates(views, s, r, c);
        var t = Taps.Compute<TMode, TSampler>(at.Row(grid), at.Col(grid), g.Rows, g.Cols);
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
            else
            {
                // A tap index of -1 (grid-constant, outside the image) reads cval. A one-tap sampler's four taps are
                // the same sample (one memory transaction); its Combine keeps the first.
                v = default(TSampler).Combine(
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
    /// by <see cref="Warp{TSource, TMode, TSampler}"/>'s spline sibling (<see cref="SplineKernels.WarpSpline{TSource, TMode, TSampler}"/>).
    /// </summary>
    internal static void StoreWarped(float v, int s, int r, int c, int ch, long dst, in SamplePlan plan, in KernelViews views, bool finish, bool extensions)
    {
        var g = views.Arguments.Geometry;
        long k = (long)ch * g.ChannelStride;
        v = finish ? Standardize(v, s, ch, dst - ((long)s * g.Size) + k, views) : v;
        views.Images[dst + k] = extensions ? AugmentationHooks.ApplyToElement(v, plan.Extensions, r, c, ch) : v;
    }

    /// <summary>
    /// One pass of the per-image statistics, on <see cref="KernelArguments.StatisticsParts"/> thread groups per
    /// image (so a batch of 32 still fills a GPU's multiprocessors): group g reduces a contiguous part of image
    /// g / parts with a deterministic shared-memory tree and stores the part's result in
    /// <see cref="KernelViews.Partials"/>[g]. Pass 0: the warped image's extremes (for channel shift and
    /// brightness). Pass 1: the sum of the values after those shifts. Pass 2: the sum of squared deviations from
    /// the mean. Each later pass first folds the earlier passes' parts of its image in a fixed order, so the
    /// result is the same every run. <see cref="CombineStatistics"/> then finishes each image.
    /// </summary>
    public static void ReduceStatistics(KernelViews views, int pass)
    {
        var args = views.Arguments;
        var images = views.Images;
        var g = args.Geometry;
        int parts = args.StatisticsParts;
        int group = Grid.IdxX;
        int s = group / parts; // one 32-bit division per thread, none per element
        int part = group - (s * parts);
        var plan = views.Plans[s];
        if (pass == 0 ? !plan.NeedsExtremes : args.Samplewise == 0)
        {
            // The same for the whole group, so no thread is left waiting at a barrier.
            if (Group.IdxX == 0)
            {
                views.Partials[group] = new StatisticsPartial(float.PositiveInfinity, float.NegativeInfinity, 0, 0);
            }

            return;
        }

        var mins = SharedMemory.Allocate<float>(GroupCapacity);
        var maxs = SharedMemory.Allocate<float>(GroupCapacity);
        var sums = SharedMemory.Allocate<double>(GroupCapacity);
        int t = Group.IdxX, threads = Group.DimX;
        int size = g.Size;
        int chunk = (size + parts - 1) / parts;
        int begin = Math.Min(size, part * chunk);
        int end = Math.Min(size, begin + chunk);
        long start = (long)s * size;
        var cursor = new ChannelCursor(g, begin + t, threads);

        if (pass == 0)
        {
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            for (int i = begin + t; i < end; i += threads)
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

            if (t == 0)
            {
                views.Partials[group] = new StatisticsPartial(mins[0], maxs[0], 0, 0);
            }

            return;
        }

        var extremes = FoldExtremes(views.Partials, s * parts, parts);
        double mean = pass == 2 ? FoldSums(views.Partials, s * parts, parts, squares: false) / size : 0;
        double value = 0;
        for (int i = begin + t; i < end; i += threads)
        {
            double v = ApplyValueShifts(images[start + i], plan, extremes.Min, extremes.Max, cursor.Channel, g.Channels);
            value += pass == 1 ? v : (v - mean) * (v - mean);
            cursor.Advance();
        }

        double total = SumOverGroup(sums, value, t, threads);
        if (t == 0)
        {
            var previous = views.Partials[group];
            views.Partials[group] = pass == 1
                ? new StatisticsPartial(previous.Min, previous.Max, total, 0)
                : new StatisticsPartial(previous.Min, previous.Max, previous.Sum, total);
        }
    }

    /// <summary>
    /// One thread per image, after <see cref="ReduceStatistics"/>: folds the image's parts (in order) into its
    /// extremes and, for samplewise steps, its per-channel coefficients.
    /// </summary>
    public static void CombineStatistics(Index1D s, KernelViews views)
    {
        var args = views.Arguments;
        var g = args.Geometry;
        int parts = args.StatisticsParts;
        var extremes = FoldExtremes(views.Partials, s * parts, parts);
        views.Extremes[s] = extremes;
        if (args.Samplewise == 0)
        {
            return;
        }

        double mean = FoldSums(views.Partials, s * parts, parts, squares: false) / g.Size;
        double squares = args.SamplewiseStd != 0 ? FoldSums(views.Partials, s * parts, parts, squares: true) : 0;
        var moments = Normalization.ComputeSampleStatistics(mean, squares, g.Size, args.Rescale, args.SamplewiseCenter, args.SamplewiseStd);
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

    /// <summary>The extremes of an image from its parts, folded in order.</summary>
    private static ImageExtremes FoldExtremes(ArrayView<StatisticsPartial> partials, int first, int parts)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < parts; i++)
        {
            var p = partials[first + i];
            min = p.Min < min ? p.Min : min;
            max = p.Max > max ? p.Max : max;
        }

        return new ImageExtremes(min, max);
    }

    /// <summary>The sum (or squared deviations) of an image from its parts, added in order.</summary>
    private static double FoldSums(ArrayView<StatisticsPartial> partials, int first, int parts, bool squares)
    {
        double total = 0;
        for (int i = 0; i < parts; i++)
        {
            var p = partials[first + i];
            total += squares ? p.Squares : p.Sum;
        }

        return total;
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
