// Types the architecture rule is run over as if they lived in a layer; each namespace holds one, so the rule sees
// exactly that type. They are never called.
namespace Keras.Preprocessing.Memory.Tests.Architecture.Specimens.AsExecution
{
    using Keras.Preprocessing.Memory.Gpu;

    /// <summary>A deliberate violation: checked as if it were in Execution, it depends on the GPU layer.</summary>
    internal static class ExecutionThatUsesTheGpu
    {
        public static string Name(GpuDevice device) => device.Name;
    }
}

namespace Keras.Preprocessing.Memory.Tests.Architecture.Specimens.AsSources
{
    /// <summary>A deliberate violation: checked as if it were in Sources, it depends on the generator, an entry point.</summary>
    internal static class SourcesThatUseTheGenerator
    {
        public static bool IsFlipping(ImageDataGenerator generator) => generator.horizontal_flip;
    }
}

namespace Keras.Preprocessing.Memory.Tests.Architecture.Specimens.AsGpu
{
    using Keras.Preprocessing.Memory.Execution;

    /// <summary>Allowed: checked as if it were in Gpu, it depends on Execution only.</summary>
    internal static class GpuThatUsesExecution
    {
        public static string Name(IAugmentationExecutor executor) => executor.Name;
    }
}
