using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// Fits the data-dependent statistics to sample data (Keras <c>fit</c>): the per-channel <see cref="mean"/>
    /// and <see cref="std"/> over (batch, rows, cols), std taken after centring, and the ZCA
    /// <see cref="principal_components"/> U · diag(1/sqrt(s + zca_epsilon)) · Uᵀ of the centred data's covariance.
    /// </summary>
    /// <param name="x">Sample data, rank 4.</param>
    /// <param name="augment">Whether to fit on randomly augmented samples.</param>
    /// <param name="rounds">With <paramref name="augment"/>, how many augmented passes over the data to fit on.</param>
    /// <param name="seed">Random seed for the augmentation (with <see cref="numpy_random"/>: <c>np.random.seed(seed)</c>, once, as Keras).</param>
    public void fit(NDArray x, bool augment = false, int rounds = 1, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.ndim != 4)
        {
            throw new ArgumentException(
                "Input to `.fit()` should have rank 4. Got array with shape: " + Shapes.Format(x.shape), nameof(x));
        }

        if (OutputType.IsIntegral() && (featurewise_center || featurewise_std_normalization || zca_whitening))
        {
            // Keras's fit converts x to dtype and then centres and scales it in place, which numpy refuses for an integer
            // array (UFuncTypeError); ZCA alone would take the covariance in that integer type, overflowing.
            throw new ArgumentException(
                $"`dtype` is \"{dtype}\": Keras's fit holds the data as {dtype} and standardizes it in place, which numpy refuses " +
                "(UFuncTypeError) for featurewise_center, featurewise_std_normalization and (overflowing) zca_whitening. " +
                "Fit a generator with a float dtype and the same arguments, then copy its mean, std and principal_components.",
                "dtype");
        }

        if (rounds < 1)
        {
            throw new ArgumentException($"`rounds` should be at least 1. Received: {rounds}", nameof(rounds));
        }

        var source = ImageArray.Wrap(x, Settings.DataFormat);
        var g = source.Geometry;
        if (source.Count == 0)
        {
            // Keras computes NaN mean and std from an empty array (numpy warns "Mean of empty slice"); those NaNs would
            // then turn every standardized batch into NaN. Refuse instead.
            throw new ArgumentException(
                "`.fit()` needs at least one image to compute statistics from. Got array with shape: " + Shapes.Format(x.shape), nameof(x));
        }

        if (g.Channels is not (1 or 3 or 4))
        {
            KerasWarnings.Warn(
                $"Expected input to be images (as Numpy array) following the data format convention \"{data_format}\" " +
                $"(channels on axis {channel_axis}), i.e. expected either 1, 3 or 4 channels on axis {channel_axis}. " +
                $"However, it was passed an array with shape {Shapes.Format(x.shape)} ({g.Channels} channels).");
        }

        int count = augment ? source.Count * rounds : source.Count;
        if (zca_whitening)
        {
            ZcaFit.CheckFits(g.Size, count);
        }

        // A float32 copy of the data (augmented if asked), as Keras works on one.
        var plans = new SamplePlan[count];
        // Keras seeds np.random whenever a seed is given, augmenting or not, so the numpy mode does too.
        var numpyDrawn = numpy_random ? DrawNumpyFitTransforms(augment ? count : 0, g.Rows, g.Cols, seed) : null;
        long fitSeed = seed ?? Random.Shared.NextInt64();
        for (int i = 0; i < count; i++)
        {
            int j = i % source.Count;
            var parameters = TransformParameters.Identity;
            if (augment && numpyDrawn is not null)
            {
                parameters = numpyDrawn[i];
            }
            else if (augment)
            {
                var rng = SampleRandom.For(fitSeed, RandomStream.Fit, i / source.Count, j);
                parameters = RandomTransformSampler.Sample(Settings, g.Rows, g.Cols, ref rng);
            }

            plans[i] = SamplePlan.Create(j, parameters, g.Rows, g.Cols);
        }

        var data = new float[g.ElementsFor(count, "x")];
        using (var engine = new CpuAugmentationEngine())
        {
            engine.Execute(CreateRequest(source, plans, Standardization.None), data);
        }

        WarnIfNotFinite(data);

        // Keras fits on x converted to the generator's dtype, so its statistics have that dtype (float64 stays float64).
        long[] statShape = Settings.DataFormat == Parameters.DataFormat.ChannelsFirst ? [g.Channels, 1, 1] : [1, 1, g.Channels];
        if (featurewise_center)
        {
            var channelMean = ChannelStatistics.Mean(data, count, g);
            ChannelStatistics.Subtract(data, count, g, channelMean);
            mean = ToOutput(channelMean, statShape);
        }

        if (featurewise_std_normalization)
        {
            var channelStd = ChannelStatistics.Std(data, count, g);
            ChannelStatistics.Divide(data, count, g, channelStd);
            std = ToOutput(channelStd, statShape);
        }

        if (zca_whitening)
        {
            principal_components = ToOutput(ZcaFit.PrincipalComponents(data, count, g.Size, zca_epsilon), [g.Size, g.Size]);
        }
    }
}

/// <summary>Per-channel statistics over (batch, rows, cols) of a float32 image batch, accumulated in double.</summary>
internal static class ChannelStatistics
{
    public static float[] Mean(float[] data, int count, ImageGeometry g)
    {
        var sums = new double[g.Channels];
        ForEach(data, count, g, (ch, v) => sums[ch] += v);
        long perChannel = (long)count * g.Rows * g.Cols;
        return Array.ConvertAll(sums, s => (float)(s / perChannel));
    }

    /// <summary>Population std (numpy's ddof = 0) of data already centred per channel.</summary>
    public static float[] Std(float[] data, int count, ImageGeometry g)
    {
        var sums = new double[g.Channels];
        var squares = new double[g.Channels];
        ForEach(data, count, g, (ch, v) =>
        {
            sums[ch] += v;
            squares[ch] += (double)v * v;
        });
        long perChannel = (long)count * g.Rows * g.Cols;
        var std = new float[g.Channels];
        for (int ch = 0; ch < g.Channels; ch++)
        {
            double m = sums[ch] / perChannel;
            std[ch] = (float)Math.Sqrt(Math.Max(0, (squares[ch] / perChannel) - (m * m)));
        }

        return std;
    }

    public static void Subtract(float[] data, int count, ImageGeometry g, float[] mean) =>
        Update(data, count, g, (ch, v) => v - mean[ch]);

    public static void Divide(float[] data, int count, ImageGeometry g, float[] std) =>
        Update(data, count, g, (ch, v) => v / (std[ch] + Standardization.Epsilon));

    private static void ForEach(float[] data, int count, ImageGeometry g, Action<int, float> visit)
    {
        for (long i = 0, total = (long)count * g.Size; i < total; i++)
        {
            visit(g.ChannelOf(i % g.Size), data[i]);
        }
    }

    private static void Update(float[] data, int count, ImageGeometry g, Func<int, float, float> update)
    {
        for (long i = 0, total = (long)count * g.Size; i < total; i++)
        {
            data[i] = update(g.ChannelOf(i % g.Size), data[i]);
        }
    }
}

/// <summary>ZCA whitening matrix from centred data: a float covariance product and a symmetric eigendecomposition.</summary>
internal static class ZcaFit
{
    /// <summary>Refuses feature counts whose D × D matrices cannot fit in memory, before any work is done.</summary>
    public static void CheckFits(int features, int samples)
    {
        // The float Gram product, sigma (double, reused for the eigenvectors), the Householder vectors (half a
        // matrix), the QL rotation log (about 20 bytes per rotation, roughly D² rotations, doubled while it grows),
        // the scaled eigenvectors and the result in float: about eight D × D double matrices at the peak.
        double bytes = 8.0 * features * features * sizeof(double);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (features > 46_340 || bytes > available / 2)
        {
            throw new ArgumentException(
                $"`zca_whitening` needs {features} x {features} matrices (about {bytes / (1 << 20):N0} MB) for images of " +
                $"{features} values, more than the {available / 2 / (1 << 20):N0} MB this process can spare. Use smaller images " +
                "(ZCA is usually fit on downscaled data) or turn ZCA off.",
                "zca_whitening");
        }

        if (samples < 1)
        {
            throw new ArgumentException("`fit` needs at least one sample for ZCA whitening.", "x");
        }
    }

    /// <summary>
    /// Keras's <c>sigma = np.dot(flat_x.T, flat_x) / n</c> in float32 (one blocked, parallel product), then
    /// <c>u, s, _ = linalg.svd(sigma)</c> and <c>(u * 1/sqrt(s + ε)).dot(u.T)</c> through the symmetric
    /// eigendecomposition of sigma (its eigenvectors and eigenvalues are the SVD's u and s), in double.
    /// </summary>
    public static unsafe float[] PrincipalComponents(float[] data, int count, int features, double epsilon)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        var gram = new float[(long)features * features];
        fixed (float* x = data)
        {
            Gemm.Gram(x, count, features, gram, parallel);
        }

        var sigma = new double[(long)features * features];
        float n = count;
        Parallel.For(0, features, parallel, i =>
        {
            for (long k = (long)i * features, end = k + features; k < end; k++)
            {
                sigma[k] = gram[k] / n;
            }
        });
        gram = null;
        return SymmetricEigen.InverseSquareRoot(sigma, features, epsilon, parallel);
    }
}
