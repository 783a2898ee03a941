using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>Where a dataset's images live while a GPU executor augments them.</summary>
internal enum DatasetPlacement
{
    /// <summary>The whole array is uploaded once and stays on the device.</summary>
    Resident,

    /// <summary>Each batch uploads only the images it needs (the array does not fit).</summary>
    Streaming,

    /// <summary>Not even a batch fits: the CPU engine does the work.</summary>
    Host,
}

/// <summary>Decides <see cref="DatasetPlacement"/> from sizes in bytes, before anything is allocated.</summary>
internal static class MemoryPlanner
{
    /// <summary>
    /// What an executor may plan for: the device's free memory when the executor is made (other frameworks on the
    /// same GPU, such as a TensorFlow or PyTorch process that reserved its pool, have already taken theirs), less a
    /// margin for the driver, ILGPU and their growth of a tenth of the device's memory, at least 256 MiB.
    /// </summary>
    /// <param name="memorySize">The device's total memory in bytes.</param>
    /// <param name="freeMemory">Its free memory now (the total where the accelerator cannot say).</param>
    public static long ComputeBudget(long memorySize, long freeMemory) =>
        Math.Max(0, Math.Min(memorySize, freeMemory) - Math.Max(256L << 20, memorySize / 10));

    /// <summary>
    /// Device bytes one lane's batch of <paramref name="batchSize"/> works in: the float32 output, the coordinate
    /// products (<see cref="PixelMath.SamplingGrid.ProductCount"/> doubles per image) and, for interpolation orders
    /// 2-5, the float64 spline coefficients (every channel of every image, padded as <paramref name="mode"/> asks),
    /// which are twice the output or more and decide whether a large spline batch fits.
    /// </summary>
    public static long LaneWorkBytes(int batchSize, in ImageGeometry g, FillMode mode, int order)
    {
        long output = (long)batchSize * g.Size * sizeof(float);
        long coordinates = (long)batchSize * PixelMath.SamplingGrid.ProductCount(g.Rows, g.Cols) * sizeof(double);
        long spline = order >= 2 ? SplineKernels.CoefficientCount(batchSize, g, PixelMath.BoundaryModes.PrefilterPadOf(mode)) * sizeof(double) : 0;
        return output + coordinates + spline;
    }

    /// <summary>
    /// Resident when the dataset and every lane's batch buffers fit the budget; streaming when the lanes and a
    /// batch's worth of staged source images fit; else the host.
    /// </summary>
    /// <param name="datasetBytes">The whole source array, in its own dtype.</param>
    /// <param name="batchSourceBytes">One batch of source images, in their dtype (the streaming staging area).</param>
    /// <param name="batchOutputBytes">One lane's work buffers (<see cref="LaneWorkBytes"/>).</param>
    /// <param name="lanes">Batches in flight at once.</param>
    /// <param name="budget">Bytes this executor may use.</param>
    public static DatasetPlacement ChoosePlacement(long datasetBytes, long batchSourceBytes, long batchOutputBytes, int lanes, long budget)
    {
        long laneBytes = lanes * batchOutputBytes;
        if (datasetBytes + laneBytes <= budget)
        {
            return DatasetPlacement.Resident;
        }

        return laneBytes + (lanes * batchSourceBytes) <= budget ? DatasetPlacement.Streaming : DatasetPlacement.Host;
    }

    /// <summary>Bytes as MiB for messages.</summary>
    public static string FormatMib(long bytes) => $"{bytes / (1024.0 * 1024.0):0.#} MiB";
}
