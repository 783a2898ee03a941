using ILGPU;
using ILGPU.Runtime;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// An image array's life on one device: where it was placed, and when resident, the one copy of it there, in the
/// caller's dtype. Made once per <see cref="ImageArray"/> (the executor caches by identity); the upload happens
/// on the first batch, or not at all when the device's <see cref="DatasetCache"/> still holds the array from an
/// earlier iterator, so later in-place changes to the caller's array are not seen by a resident copy.
/// </summary>
internal sealed unsafe class DeviceDataset : IDisposable
{
    private MemoryBuffer1D<byte, Stride1D.Dense>? _resident;
    private DatasetCache? _cache;

    public DeviceDataset(ImageArray images, DatasetPlacement placement)
    {
        Images = images;
        Placement = placement;
    }

    public ImageArray Images { get; }

    public DatasetPlacement Placement { get; private set; }

    /// <summary>Bytes of the whole array in its own dtype.</summary>
    public long Bytes => (long)Images.Count * Images.Geometry.Size * Images.Kind.Size();

    /// <summary>Bytes of one image in its own dtype.</summary>
    public long ImageBytes => (long)Images.Geometry.Size * Images.Kind.Size();

    /// <summary>The resident copy, uploaded now if this is the first batch; null when streaming.</summary>
    public ArrayView<byte>? UploadIfResident(Accelerator accelerator, string deviceName, DatasetCache cache)
    {
        if (Placement != DatasetPlacement.Resident)
        {
            return null;
        }

        _cache ??= cache;
        _resident ??= cache.Rent(Images); // an earlier iterator over the same array left its copy on the device
        if (_resident is null)
        {
            try
            {
                _resident = accelerator.Allocate1D<byte>(Math.Max(1, Bytes));
            }
            catch (Exception e) when (e is AcceleratorException or OutOfMemoryException)
            {
                // The planner's estimate was optimistic (another user took memory): stream rather than fail.
                KerasWarnings.Warn(
                    $"device \"{deviceName}\": could not allocate {MemoryPlanner.FormatMib(Bytes)} for the dataset ({e.Message}); " +
                    "each batch uploads only the images it needs instead.");
                Placement = DatasetPlacement.Streaming;
                return null;
            }

            if (Bytes > 0)
            {
                // The caller's array is unmanaged memory (it does not move). The lanes' streams do not wait on
                // this one, so the upload is finished here, once, before any batch's kernels read it.
                var stream = accelerator.DefaultStream;
                _resident.View.SubView(0, Bytes).CopyFromCPU(stream, ref *Images.Address, Bytes);
                stream.Synchronize();
            }

            cache.Add(Images, _resident);
        }

        return _resident.View;
    }

    /// <summary>Hands the copy back to the device's cache (it stays for the next iterator over the same array).</summary>
    public void Dispose()
    {
        if (_resident is { } resident)
        {
            _cache!.Return(resident);
            _resident = null;
        }
    }
}
