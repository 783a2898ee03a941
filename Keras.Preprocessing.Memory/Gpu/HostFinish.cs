using Keras.Preprocessing.Memory.Execution;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The host's share of a GPU batch after download: a <c>preprocessing_function</c> and the standardize steps
/// after it (as Keras orders them), and ZCA when its matrix does not fit the device.
/// </summary>
internal static unsafe class HostFinish
{
    /// <summary>Runs on <paramref name="batch"/> what <paramref name="work"/> left to the host.</summary>
    public static void Run(AugmentationRequest request, float[] batch, BatchWork work, ParallelOptions parallel)
    {
        if (!work.HostSteps)
        {
            return;
        }

        var g = request.Source.Geometry;
        var st = request.Standardization;
        int n = request.Plans.Length;
        if (work.Callback)
        {
            // The value shifts already ran on the device; an empty plan leaves FinishImage the callback onwards.
            Parallel.For(0, n, parallel, s =>
            {
                var none = default(SamplePlan);
                fixed (float* image = &batch[(long)s * g.Size])
                {
                    CpuAugmentationEngine.FinishImage(image, g, none, 0, 0, st);
                }
            });
        }

        if (work.HostZca)
        {
            ZcaProjection.Apply(batch, n, g.Size, st.PrincipalComponents!, parallel);
        }

        // The augmentations beyond Keras come last, so after whatever ran here.
        var plans = request.Plans;
        Parallel.For(0, n, parallel, s =>
        {
            fixed (float* image = &batch[(long)s * g.Size])
            {
                CpuAugmentationEngine.ApplyExtensions(image, g, plans[s], 0, g.Rows);
            }
        });
    }
}
