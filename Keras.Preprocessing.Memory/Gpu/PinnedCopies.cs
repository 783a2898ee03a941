using ILGPU;
using ILGPU.Runtime;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The synchronous copies between managed arrays and the device that are not on a batch's path (constants
/// uploaded once, a device batch's <c>numpy()</c>): the array is pinned (<c>fixed</c>) until the copy has
/// finished on the device, since the driver reads or writes the address after the call returns and a GC could
/// otherwise move the array under it. Batches go through the lanes' page-locked buffers instead (<see cref="BatchLane"/>).
/// </summary>
internal static unsafe class PinnedCopies
{
    /// <summary>A new device buffer holding <paramref name="values"/>.</summary>
    public static MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(Accelerator accelerator, T[] values)
        where T : unmanaged
    {
        var buffer = DeviceAllocationException.Guard(() => accelerator.Allocate1D<T>(Math.Max(1, values.Length)), (long)values.Length * sizeof(T), "device memory");
        if (values.Length == 0)
        {
            return buffer;
        }

        var stream = accelerator.DefaultStream;
        fixed (T* pinned = values)
        {
            buffer.View.SubView(0, values.Length).CopyFromCPU(stream, ref *pinned, values.Length);
            stream.Synchronize();
        }

        return buffer;
    }

    /// <summary>Copies <paramref name="view"/> into a new array.</summary>
    public static T[] Download<T>(ArrayView<T> view)
        where T : unmanaged
    {
        var values = new T[view.Length];
        if (values.Length == 0)
        {
            return values;
        }

        var stream = view.GetAccelerator().DefaultStream;
        fixed (T* pinned = values)
        {
            view.CopyToCPU(stream, ref *pinned, values.Length);
            stream.Synchronize();
        }

        return values;
    }
}
