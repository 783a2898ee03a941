namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// How far a GPU batch is from the CPU engine's, in float steps: the difference of two values divided by the
/// spacing of float32 numbers (one ULP) at the batch's scale, its largest magnitude. On a real GPU the kernels
/// are not bit-identical to the CPU engine: ptxas contracts a·b + c into one fused multiply-add (one rounding
/// instead of two), so a bilinear blend or a standardize step may land a few steps away. A relative measure is
/// what that rounding predicts (an absolute tolerance such as 1e-5 fails on 0..255 data, where one step is
/// 1.5e-5); measuring at the batch's scale rather than each value's keeps values near zero (a centred image)
/// from turning a last-bit difference into millions of steps.
/// </summary>
internal static class FloatSteps
{
    /// <summary>The agreement the docs promise on a GPU: at most this many steps at the batch's scale.</summary>
    public const double Expected = 8;

    /// <summary>
    /// Beyond this many steps (a relative error of 2^-13, 1.2e-4, of the batch's scale) a difference is not
    /// rounding but a wrong tap, weight, fill or statistic: a gross error.
    /// </summary>
    public const double Gross = 1024;

    /// <summary>The spacing of float32 numbers at <paramref name="scale"/> (one ULP; the smallest normal's for 0).</summary>
    public static double StepAt(float scale)
    {
        float magnitude = Math.Max(Math.Abs(scale), float.Epsilon);
        return (double)MathF.BitIncrement(magnitude) - magnitude;
    }

    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> (the CPU engine's), element by element.</summary>
    public static Agreement Compare(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"The batches differ in length: {expected.Length} and {actual.Length}.", nameof(actual));
        }

        float scale = 0;
        foreach (float v in expected)
        {
            scale = float.IsFinite(v) ? Math.Max(scale, Math.Abs(v)) : scale;
        }

        double step = StepAt(scale == 0 ? 1 : scale);
        double worst = 0;
        long gross = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            double steps = e.Equals(a) ? 0 : float.IsFinite(e) && float.IsFinite(a) ? Math.Abs((double)a - e) / step : double.PositiveInfinity;
            worst = Math.Max(worst, steps);
            gross += steps > Gross ? 1 : 0;
        }

        return new Agreement(worst, gross, expected.Length, scale);
    }
}

/// <summary>The result of <see cref="FloatSteps.Compare"/>.</summary>
/// <param name="MaxSteps">The largest difference, in float steps at the batch's scale.</param>
/// <param name="GrossErrors">How many values differ by more than <see cref="FloatSteps.Gross"/> steps.</param>
/// <param name="Count">Values compared.</param>
/// <param name="Scale">The batch's largest magnitude (the scale the steps are measured at).</param>
internal readonly record struct Agreement(double MaxSteps, long GrossErrors, long Count, float Scale)
{
    /// <summary>The worse of two agreements (the larger maximum, the errors and counts added).</summary>
    public Agreement Merge(Agreement other) => new(Math.Max(MaxSteps, other.MaxSteps), GrossErrors + other.GrossErrors, Count + other.Count, Math.Max(Scale, other.Scale));

    public override string ToString() => $"max {MaxSteps:0.##} float steps at scale {Scale:G4}, {GrossErrors} gross error(s) in {Count} values";
}
