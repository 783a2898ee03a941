using System.Globalization;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>What kind of device a <c>device</c> string asks for.</summary>
internal enum DeviceKind
{
    /// <summary>A CUDA GPU when one is present, else the CPU engine (TensorFlow's default placement).</summary>
    Auto,

    /// <summary>The fused CPU engine.</summary>
    Cpu,

    /// <summary>CUDA GPU number <see cref="DeviceSpec.Index"/>.</summary>
    Cuda,

    /// <summary>
    /// The GPU executor on ILGPU's CPU accelerator: the GPU code path without a GPU. No <c>device</c> string names
    /// it; tests reach it through <see cref="ExecutionOptions.GpuKernelsOnCpu"/>.
    /// </summary>
    IlgpuCpu,
}

/// <summary>
/// A parsed <c>device</c> argument, spelled as TensorFlow spells devices: <c>"auto"</c>, <c>"cpu"</c>,
/// <c>"gpu"</c>/<c>"cuda"</c> (device 0), <c>"gpu:1"</c>/<c>"cuda:1"</c>, optionally with TensorFlow's
/// <c>"/device:GPU:1"</c> or <c>"/gpu:1"</c> prefix forms, in any case.
/// </summary>
internal readonly record struct DeviceSpec(DeviceKind Kind, int Index)
{
    /// <summary>The <see cref="DeviceKind.IlgpuCpu"/> index whose thread groups are shaped as CUDA's (warps of 32, 256 threads).</summary>
    public const int CudaShapedCpu = 1;

    /// <summary>Parses <paramref name="device"/>; throws naming the parameter and the accepted forms when it is not one.</summary>
    public static DeviceSpec Parse(string? device)
    {
        string text = (device ?? "auto").Trim().ToLowerInvariant();
        if (text.StartsWith("/device:", StringComparison.Ordinal))
        {
            text = text["/device:".Length..];
        }
        else if (text.StartsWith('/'))
        {
            text = text[1..];
        }

        switch (text)
        {
            case "auto":
                return new DeviceSpec(DeviceKind.Auto, 0);
            case "cpu" or "cpu:0":
                return new DeviceSpec(DeviceKind.Cpu, 0);
            case "gpu" or "cuda":
                return new DeviceSpec(DeviceKind.Cuda, 0);
        }

        int colon = text.IndexOf(':');
        if (colon > 0 && text[..colon] is "gpu" or "cuda"
            && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return new DeviceSpec(DeviceKind.Cuda, index);
        }

        throw new ArgumentException(
            $"`device` should be \"auto\", \"cpu\", \"gpu\", \"cuda\", \"gpu:N\" or \"cuda:N\" (TensorFlow's \"/device:GPU:N\" also works). Received: {device}",
            nameof(device));
    }

    /// <summary>
    /// The canonical name: "auto", "cpu", "cuda:N", or for the kernels on ILGPU's CPU accelerator (tests) "ilgpu-cpu"
    /// ("ilgpu-cpu:warp32" with CUDA-shaped thread groups).
    /// </summary>
    public override string ToString() => Kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => $"cuda:{Index.ToString(CultureInfo.InvariantCulture)}",
        _ => Index == CudaShapedCpu ? "ilgpu-cpu:warp32" : "ilgpu-cpu",
    };
}
