using System.Diagnostics;
using NumSharp;

namespace Keras.Preprocessing.Memory.Sources;

/// <summary>
/// Decode-once caching: every sample decoded in parallel into one contiguous uint8 array, after which epochs
/// never touch the disk (or the codec) again.
/// </summary>
internal static class DecodedImageCache
{
    /// <summary>
    /// Decodes <paramref name="samples"/> into a (n, ...image shape) uint8 array. Failures are collected per sample
    /// (their slots stay zero) so the caller can drop them with a warning or throw, as validation asks.
    /// </summary>
    public static NDArray Decode(
        IReadOnlyList<ImageSample> samples,
        ImageDecoding decoding,
        int workers,
        IProgress<DecodeProgress>? progress,
        out IReadOnlyDictionary<int, Exception> failures)
    {
        var g = decoding.Geometry;
        var cache = NumSharpCompat.NewArray(NPTypeCode.Byte, new Shape(samples.Count, g.Shape[0], g.Shape[1], g.Shape[2]));
        var errors = new System.Collections.Concurrent.ConcurrentDictionary<int, Exception>();
        var watch = Stopwatch.StartNew();
        int done = 0;
        long lastReport = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers > 0 ? workers : Environment.ProcessorCount };
        unsafe
        {
            byte* basePtr = (byte*)cache.Unsafe.Address;
            Parallel.For(0, samples.Count, options, i =>
            {
                try
                {
                    decoding.DecodeInto(samples[i], new Span<byte>(basePtr + ((long)i * g.Size), g.Size));
                }
                catch (Exception e) when (e is IOException or DecompressionBombException or ArgumentException or UnauthorizedAccessException)
                {
                    errors[i] = e;
                }

                int completed = Interlocked.Increment(ref done);
                long now = watch.ElapsedMilliseconds;
                long last = Interlocked.Read(ref lastReport);
                if (progress is not null && (completed == samples.Count || (now - last >= 100 && Interlocked.CompareExchange(ref lastReport, now, last) == last)))
                {
                    progress.Report(new DecodeProgress(completed, samples.Count, watch.Elapsed));
                }
            });
        }

        failures = errors;
        return cache;
    }
}
