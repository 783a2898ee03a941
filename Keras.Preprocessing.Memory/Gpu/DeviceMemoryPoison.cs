using ILGPU;
using ILGPU.Runtime;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// Tests: fills every device buffer a batch works in with 0xFF bytes (a NaN as float32 and float64) each time it
/// is handed out. CUDA gives back whatever the memory held before; ILGPU's CPU accelerator usually gives zeros.
/// With this on, a kernel that reads an element no earlier step wrote shows up as a NaN in the batch, a gross
/// error against the CPU engine, instead of passing on the CPU accelerator and failing on a GPU.
/// </summary>
internal static class DeviceMemoryPoison
{
    /// <summary>The byte every poisoned buffer is filled with.</summary>
    public const byte Pattern = 0xFF;

    /// <summary>Whether buffers are poisoned (off in the product; the test run turns it on).</summary>
    internal static bool Enabled { get; set; }

    /// <summary>Queues the fill of <paramref name="view"/> on <paramref name="stream"/> when poisoning is on.</summary>
    public static void Apply<T>(ArrayView<T> view, AcceleratorStream stream)
        where T : unmanaged
    {
        if (Enabled && view.Length > 0)
        {
            view.MemSet(stream, Pattern);
        }
    }
}
