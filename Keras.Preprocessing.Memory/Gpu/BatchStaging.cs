using ILGPU;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory.Execution;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>Puts a batch's source images where the warp kernel reads them.</summary>
internal static unsafe class BatchStaging
{
    /// <summary>
    /// The source on the device and the plans that address it: the resident dataset as it is, or, when the
    /// dataset is streamed, each distinct image the batch reads uploaded once into the lane's staging area and
    /// the plans re-indexed to those slots.
    /// </summary>
    public static (ArrayView<byte> Source, SamplePlan[] Plans) Stage(AugmentationRequest request, BatchLane lane, DeviceDataset dataset, ArrayView<byte>? resident)
    {
        if (resident is { } view)
        {
            return (view, request.Plans);
        }

        var slots = new Dictionary<int, int>();
        var plans = new SamplePlan[request.Plans.Length];
        for (int i = 0; i < plans.Length; i++)
        {
            int sourceIndex = request.Plans[i].SourceIndex;
            if (!slots.TryGetValue(sourceIndex, out int slot))
            {
                slot = slots.Count;
                slots[sourceIndex] = slot;
            }

            plans[i] = request.Plans[i].WithSourceIndex(slot);
        }

        // Gathered on the host into the lane's page-locked area, then one asynchronous upload on the lane's
        // stream: no pageable copy (which the driver would make synchronous) per image.
        long imageBytes = dataset.ImageBytes;
        var host = lane.ReserveHostStaging(checked((int)(slots.Count * imageBytes)));
        foreach (var (sourceIndex, slot) in slots)
        {
            new ReadOnlySpan<byte>(request.Source.ImageAddress(sourceIndex), (int)imageBytes).CopyTo(host.Slice((int)(slot * imageBytes)));
        }

        var staging = lane.UploadStaging(slots.Count * imageBytes);
        return (staging, plans);
    }
}
