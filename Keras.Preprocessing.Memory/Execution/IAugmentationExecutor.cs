namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// The executor seam: what iterators know of whatever augments their batches. The CPU engine
/// (<see cref="CpuAugmentationEngine"/>) and the GPU executor implement it; the device selection
/// (<c>Devices/DeviceSelector</c>) picks one. Implementations are thread-safe: prefetch runs batches side by side.
/// </summary>
internal interface IAugmentationExecutor : IDisposable
{
    /// <summary>A short name for logs and <c>iterator.device</c> ("cpu", "cuda:0", ...).</summary>
    string Name { get; }

    /// <summary>
    /// Says that a batch follows shortly (its transforms are being drawn): the executor may get ready for it, as the
    /// CPU engine wakes its sleeping threads. Only a hint: results never depend on it.
    /// </summary>
    void Announce();

    /// <summary>Fills <paramref name="output"/> (Plans.Length × image size floats) with the augmented batch.</summary>
    void Execute(AugmentationRequest request, float[] output);

    /// <summary>Whether batches can be left in this executor's device memory (<see cref="ExecuteOnDevice"/>); false for the CPU engine.</summary>
    bool HasDeviceMemory { get; }

    /// <summary>Runs a batch and leaves it in device memory (for <c>next_on_device</c>); needs <see cref="HasDeviceMemory"/>.</summary>
    IDeviceImages ExecuteOnDevice(AugmentationRequest request);
}

/// <summary>A float32 batch held in an executor's device memory; disposing it hands the memory back for reuse.</summary>
internal interface IDeviceImages : IDisposable
{
    /// <summary>Number of float32 values.</summary>
    long Length { get; }

    /// <summary>The raw device address of the first value.</summary>
    IntPtr NativePointer { get; }

    /// <summary>The CUDA context (CUcontext) that owns the memory; 0 off CUDA.</summary>
    IntPtr Context { get; }

    /// <summary>The CUDA stream (CUstream) the batch was written on, already finished; 0 off CUDA.</summary>
    IntPtr Stream { get; }

    /// <summary>Copies the values to the host.</summary>
    float[] Download();
}
