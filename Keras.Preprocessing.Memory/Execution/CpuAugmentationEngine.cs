using System.Numerics;
using System.Numerics.Tensors;
using Keras.Preprocessing.Memory.Augmentations;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// The fused, parallel CPU executor. Pass 1 warps (and flips) each image straight into its batch slot, chunk of
/// rows by chunk of rows on all cores (<see cref="WorkerTeam"/>, <see cref="RowRanges"/>), and when nothing needs
/// whole-image statistics it also applies rescale and featurewise standardization to each row while it is hot in
/// cache. Only images that need their own min/max (channel shift, brightness), mean/std (samplewise) or a user
/// callback get a second, in-cache pass.
/// </summary>
internal sealed unsafe class CpuAugmentationEngine : IAugmentationExecutor
{
    // Chunks of rows of about this many pixels (a 224x224 image is 13 chunks): small enough that a batch ends on all
    // threads within a few microseconds of each other, large enough that handing them out costs nothing.
    private const int PixelsPerChunk = 4 * 1024;

    // Small images are grouped until a work item has about this many pixels.
    private const int MinPixelsPerItem = 4 * 1024;

    private readonly ParallelOptions _parallel;
    private readonly bool _wideVectors;

    /// <param name="maxDegreeOfParallelism">Threads per batch (default: all cores).</param>
    /// <param name="wideVectors">Whether the AVX-512 paths may run where the CPU has them; tests turn them off to
    /// cover the narrower paths, which every other machine takes.</param>
    public CpuAugmentationEngine(int maxDegreeOfParallelism = -1, bool wideVectors = true)
    {
        _wideVectors = wideVectors;
        _parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
        };
    }

    public string Name => "cpu";

    public int MaxDegreeOfParallelism => _parallel.MaxDegreeOfParallelism;

    /// <inheritdoc />
    public void Announce()
    {
        if (_parallel.MaxDegreeOfParallelism > 1)
        {
            WorkerTeam.Shared.Wake(_parallel.MaxDegreeOfParallelism);
        }
    }

    public void Execute(AugmentationRequest request, float[] output)
    {
        var g = request.Source.Geometry;
        if (output.Length < (long)request.Plans.Length * g.Size)
        {
            throw new ArgumentException("The output buffer is smaller than the batch.", nameof(output));
        }

        fixed (float* outPtr = output)
        {
            switch (request.Source.Kind)
            {
                case ElementKind.UInt8: Run<byte>(request, outPtr); break;
                case ElementKind.UInt16: Run<ushort>(request, outPtr); break;
                case ElementKind.Int16: Run<short>(request, outPtr); break;
                case ElementKind.Int32: Run<int>(request, outPtr); break;
                case ElementKind.Float32: Run<float>(request, outPtr); break;
                default: Run<double>(request, outPtr); break;
            }
        }

        if (request.Standardization.PrincipalComponents is { } components)
        {
            ZcaProjection.Apply(output, request.Plans.Length, g.Size, components, _parallel);

            // ZCA mixes every element of an image, so the augmentations beyond Keras (last by definition) follow it here.
            var plans = request.Plans;
            fixed (float* outPtr = output)
            {
                float* batch = outPtr;
                ForEach(plans.Length, s => ApplyExtensions(batch + ((long)s * g.Size), g, plans[s], 0, g.Rows));
            }
        }
    }

    /// <summary>
    /// <paramref name="body"/> for 0 .. <paramref name="count"/> - 1 on this engine's threads: the team's, or the thread
    /// pool's when the team has all the batches it takes. A user callback's exception comes out as itself (the team)
    /// or in an AggregateException (the pool), which the iterators unwrap.
    /// </summary>
    private void ForEach(int count, Action<int> body)
    {
        if (!WorkerTeam.Shared.TryRun(count, _parallel.MaxDegreeOfParallelism, body))
        {
            Parallel.For(0, count, _parallel, body);
        }
    }

    /// <summary>The hook for the augmentations beyond Keras, on rows [r0, r1) of a finished image.</summary>
    internal static void ApplyExtensions(float* image, in ImageGeometry g, in SamplePlan plan, int r0, int r1)
    {
        if (plan.Extensions.IsActive)
        {
            AugmentationHooks.ApplyToRows(image, plan.Extensions, r0, r1, g.Channels, g.RowStride, g.PixelStride, g.ChannelStride);
        }
    }

    private void Run<T>(AugmentationRequest request, float* output)
        where T : unmanaged
    {
        var g = request.Source.Geometry;
        var plans = request.Plans;
        var standardization = request.Standardization;
        int n = plans.Length;
        int size = g.Size;
        int pixels = g.Rows * g.Cols;

        // Small images go whole, several to a work item, so scheduling costs little next to the work (a 32x32 image
        // is a few microseconds); orders 2-5 prefilter the whole image first, so they go whole too. Larger images go
        // in chunks of rows (RowRanges): a thread takes an image and its chunks top-down, its source prefetch carried
        // from chunk to chunk (restarted per block of rows, a rotated 224x224 image cost 10-20% more), and threads
        // left without an image split the ranges still open. So a few large images fill every core, and a batch
        // ends on all threads within about a chunk.
        int threads = _parallel.MaxDegreeOfParallelism;
        int order = request.InterpolationOrder;
        int chunkRows = order >= 2 || threads == 1 || pixels < 2 * PixelsPerChunk ? g.Rows : Math.Clamp(PixelsPerChunk / g.Cols, 1, g.Rows);
        int chunks = (g.Rows + chunkRows - 1) / chunkRows;
        int imagesPerItem = chunks == 1 ? Math.Clamp(MinPixelsPerItem / pixels, 1, Math.Max(1, n / (2 * threads))) : 1;
        int items = (n + imagesPerItem - 1) / imagesPerItem;
        var ranges = chunks > 1 ? new RowRanges(n, chunks, spareSlots: 4 * threads * (BitOperations.Log2((uint)chunks) + 2)) : null;
        int nextItem = 0;

        bool batchFusable = !standardization.NeedsWholeImage && !standardization.HasElementwiseFeatures(g.Channels);
        var fusedAffine = batchFusable ? ChannelAffine.For(standardization, g, 0, 1) : null;
        bool anyExtremes = false;
        foreach (ref readonly var plan in plans.AsSpan())
        {
            anyExtremes |= plan.NeedsExtremes;
        }

        var mins = anyExtremes ? new float[n * chunks] : [];
        var maxs = anyExtremes ? new float[n * chunks] : [];
        T* source = (T*)request.Source.Address;
        var mode = request.FillMode;
        float cval = request.Cval;
        bool wideVectors = _wideVectors;
        bool extensionsHere = standardization.PrincipalComponents is null; // else after ZCA, in Execute

        void Warp(int s, int chunk, SourcePrefetch* prefetch)
        {
            int r0 = chunk * chunkRows, r1 = Math.Min(g.Rows, r0 + chunkRows);
            ref readonly var plan = ref plans[s];
            float* dst = output + ((long)s * size);
            WarpKernels.WarpRows(source + ((long)plan.SourceIndex * size), dst, g, plan.Grid, mode, cval, order, r0, r1, wideVectors, prefetch);
            if (plan.NeedsExtremes)
            {
                FindRowExtremes(dst, g, r0, r1, out mins[(s * chunks) + chunk], out maxs[(s * chunks) + chunk]);
            }
            else if (fusedAffine is not null)
            {
                fusedAffine.ApplyRows(dst, g, r0, r1);
                if (extensionsHere)
                {
                    ApplyExtensions(dst, g, plan, r0, r1);
                }
            }
        }

        // The chunks of one range, top-down, with one source prefetch from the first to the last.
        void WarpRange(RowRanges ranges, int slot)
        {
            int s = ranges.ImageOf(slot);
            T* src = source + ((long)plans[s].SourceIndex * size);
            SourcePrefetch prefetch = default;
            for (bool started = false; ranges.TryTake(slot, out int chunk); started = true)
            {
                if (!started)
                {
                    prefetch = new SourcePrefetch(g, plans[s].Grid, chunk * chunkRows, g.Rows);
                    prefetch.Start(src);
                }

                Warp(s, chunk, &prefetch);
            }
        }

        // What each thread of the batch runs: items while there are some, then (chunked images) the ranges it can
        // split off.
        void Participate(int participant)
        {
            for (int item = Interlocked.Increment(ref nextItem) - 1; item < items; item = Interlocked.Increment(ref nextItem) - 1)
            {
                if (ranges is not null)
                {
                    WarpRange(ranges, item);
                    continue;
                }

                for (int s = item * imagesPerItem, end = Math.Min(n, s + imagesPerItem); s < end; s++)
                {
                    // Small images: fetch the next one while this one is warped, so its misses overlap work.
                    if (s + 1 < end)
                    {
                        SourcePrefetch.PrefetchSmallImage(source + ((long)plans[s + 1].SourceIndex * size), g);
                    }

                    Warp(s, 0, null);
                }
            }

            while (ranges is not null && ranges.TrySteal(out int slot))
            {
                WarpRange(ranges, slot);
            }
        }

        // One participation per thread.
        ForEach(threads, Participate);

        if (fusedAffine is not null && !anyExtremes)
        {
            return; // everything was finished row by row in the first pass
        }

        ForEach(n, s =>
        {
            ref readonly var plan = ref plans[s];
            if (fusedAffine is not null && !plan.NeedsExtremes)
            {
                return;
            }

            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            if (plan.NeedsExtremes)
            {
                for (int b = s * chunks, end = b + chunks; b < end; b++)
                {
                    min = Math.Min(min, mins[b]);
                    max = Math.Max(max, maxs[b]);
                }
            }

            FinishImage(output + ((long)s * size), g, plan, min, max, standardization);
            if (extensionsHere)
            {
                ApplyExtensions(output + ((long)s * size), g, plan, 0, g.Rows);
            }
        });
    }

    /// <summary>The value shifts and standardization that need the whole warped image.</summary>
    internal static void FinishImage(float* image, in ImageGeometry g, in SamplePlan plan, float min, float max, Standardization st)
    {
        var values = new Span<float>(image, g.Size);
        if (plan.HasChannelShift != 0)
        {
            // Keras clips to the warped image's own extremes; the clip is monotone, so the new extremes follow.
            float shift = plan.ChannelShift;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = ChannelShift.Apply(values[i], shift, min, max);
            }

            var shifted = ChannelShift.ShiftExtremes(shift, min, max);
            (min, max) = (shifted.Min, shifted.Max);
        }

        if (plan.HasBrightness != 0)
        {
            ApplyBrightness(values, g, min, max, plan.Brightness);
        }

        if (st.PreprocessingFunction is { } preprocess)
        {
            RunPreprocessingFunction(preprocess, values, g);
        }

        double sampleMean = 0, sampleDivisor = 1;
        if (st.SamplewiseCenter || st.SamplewiseStdNormalization)
        {
            double mean = 0;
            foreach (float v in values)
            {
                mean += v;
            }

            mean /= values.Length;
            double squares = 0;
            if (st.SamplewiseStdNormalization)
            {
                foreach (float v in values)
                {
                    double d = v - mean;
                    squares += d * d;
                }
            }

            var moments = Normalization.ComputeSampleStatistics(
                mean, squares, values.Length, st.Rescale ?? 1.0, st.SamplewiseCenter ? 1 : 0, st.SamplewiseStdNormalization ? 1 : 0);
            (sampleMean, sampleDivisor) = (moments.Mean, moments.Divisor);
        }

        ChannelAffine.For(st, g, sampleMean, sampleDivisor).ApplyRows(image, g, 0, g.Rows);
        st.ApplyElementwiseFeatures(values, g);
    }

    private static void ApplyBrightness(Span<float> values, in ImageGeometry g, float min, float max, float factor)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = PilBrightness.Apply(values[i], min, max, factor, PilBrightness.IsAlpha(g.ChannelOf(i), g.Channels));
        }
    }

    private static void RunPreprocessingFunction(Func<NDArray, NDArray> preprocess, Span<float> values, in ImageGeometry g)
    {
        var shape = g.Shape;
        using var input = new NDArray(values.ToArray(), new Shape(shape));
        var result = preprocess(input) ?? throw new InvalidOperationException("`preprocessing_function` returned null.");
        if (!result.shape.AsSpan().SequenceEqual(Array.ConvertAll(shape, d => (long)d)))
        {
            throw new InvalidOperationException(
                $"`preprocessing_function` should return an image of the same shape {Shapes.Format(shape)}; it returned {Shapes.Format(result.shape)}.");
        }

        using var asFloat = result.typecode == NPTypeCode.Single ? null : NumSharpCompat.AsType(result, NPTypeCode.Single);
        var data = (asFloat ?? result).ToArray<float>();
        data.AsSpan().CopyTo(values);
    }

    private static void FindRowExtremes(float* image, in ImageGeometry g, int r0, int r1, out float min, out float max)
    {
        min = float.PositiveInfinity;
        max = float.NegativeInfinity;
        int planes = g.IsChannelsFirst != 0 ? g.Channels : 1;
        for (int p = 0; p < planes; p++)
        {
            var span = new ReadOnlySpan<float>(image + (p * (g.IsChannelsFirst != 0 ? g.ChannelStride : 0)) + (r0 * g.RowStride), (r1 - r0) * g.RowStride);
            min = Math.Min(min, TensorPrimitives.Min(span));
            max = Math.Max(max, TensorPrimitives.Max(span));
        }
    }

    /// <summary>The CPU engine has no device memory: batches stay on the host.</summary>
    public bool HasDeviceMemory => false;

    public IDeviceImages ExecuteOnDevice(AugmentationRequest request) =>
        throw new NotSupportedException("The CPU engine keeps batches on the host.");

    public void Dispose()
    {
    }
}
