using ILGPU.Runtime;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// A device or page-locked host allocation the executor could not make (another process or framework took the
/// memory after the plan was made). The executor catches it and finishes the batch on the CPU engine, as a
/// failed dataset upload falls back to streaming: the plan was an estimate, the batch still comes out.
/// </summary>
internal sealed class DeviceAllocationException : Exception
{
    public DeviceAllocationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// Runs <paramref name="allocate"/>, turning the driver's out-of-memory errors into this exception, and ILGPU's
    /// refusal to page-lock host memory on a device that cannot map it (<see cref="NotSupportedException"/>): the
    /// batch then runs on the CPU engine instead of failing.
    /// </summary>
    public static T Guard<T>(Func<T> allocate, long bytes, string what)
    {
        try
        {
            return allocate();
        }
        catch (Exception e) when (e is AcceleratorException or OutOfMemoryException or NotSupportedException)
        {
            throw new DeviceAllocationException($"could not allocate {MemoryPlanner.FormatMib(bytes)} of {what} ({e.Message})", e);
        }
    }
}
