using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.Augmentations;

/// <summary>
/// The fixed hook points through which the samplers and both engines run the augmentations beyond Keras's
/// (each one a single file in this folder, like <see cref="RandomErasing"/>). Adding one means: its file, and one
/// line in each member here and in <see cref="ExtensionSettings"/>/<see cref="ExtensionPlan"/>. Keras's own
/// augmentations (the affine warp, flips, channel shift, brightness) stay fused in the warp, where their order
/// and numbers are Keras's.
/// </summary>
internal static class AugmentationHooks
{
    /// <summary>Draws every extension, in a fixed order, after Keras's draws from the same sample stream (so Keras's draws never change).</summary>
    public static ExtensionPlan Draw<TRandom>(in ExtensionSettings s, int rows, int cols, ref TRandom rng)
        where TRandom : struct, IRandomDraws =>
        new() { Erasing = RandomErasing.Draw(s.Erasing, rows, cols, ref rng) };

    /// <summary>Adds the extensions' transform-dictionary keys (<c>get_random_transform</c>).</summary>
    public static void WriteKeys(in ExtensionPlan p, IDictionary<string, object?> parameters) =>
        RandomErasing.WriteKeys(p.Erasing, parameters);

    /// <summary>Reads the extensions' keys (<c>apply_transform</c>).</summary>
    public static ExtensionPlan ReadKeys(IDictionary<string, object?> parameters) =>
        new() { Erasing = RandomErasing.ReadKeys(parameters) };

    /// <summary>
    /// The last per-element step, on the finished value of element (r, c, ch) (the GPU kernels' hook: the warp
    /// kernel for fused samples, the finishing kernel for the others, the ZCA kernel when it runs there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ApplyToElement(float v, in ExtensionPlan p, int r, int c, int ch) =>
        RandomErasing.Apply(v, p.Erasing, r, c, ch);

    /// <summary>The same last step on rows [rowStart, rowEnd) of a finished image (the CPU engine's hook).</summary>
    public static unsafe void ApplyToRows(float* image, in ExtensionPlan p, int rowStart, int rowEnd, int channels, int rowStride, int pixelStride, int channelStride) =>
        RandomErasing.ApplyToRows(image, p.Erasing, rowStart, rowEnd, channels, rowStride, pixelStride, channelStride);
}

/// <summary>The random draws an augmentation may make (the per-sample stream implements it).</summary>
internal interface IRandomDraws
{
    /// <summary>A double in [0, 1).</summary>
    double NextDouble();

    /// <summary>A double in [low, high): low + (high - low) · u.</summary>
    double Uniform(double low, double high);

    /// <summary>An unbiased integer in [0, n).</summary>
    long NextInt64(long n);

    /// <summary>64 random bits.</summary>
    ulong NextUInt64();
}

/// <summary>The extensions' settings, part of the generator's validated settings.</summary>
internal readonly record struct ExtensionSettings(RandomErasing.Settings Erasing)
{
    public static ExtensionSettings Off { get; } = new(RandomErasing.Settings.Off);

    public void Validate() => Erasing.Validate();
}

/// <summary>One sample's extension parameters; blittable, so it rides in the sample's plan to the GPU.</summary>
internal struct ExtensionPlan
{
    public RandomErasing.Parameters Erasing;

    /// <summary>Whether any extension changes this sample.</summary>
    public readonly bool IsActive => Erasing.Applied != 0;
}
