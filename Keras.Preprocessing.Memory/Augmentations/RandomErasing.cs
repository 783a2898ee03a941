using System.Globalization;
using System.Runtime.CompilerServices;

namespace Keras.Preprocessing.Memory.Augmentations;

/// <summary>
/// Random erasing (Zhong et al., "cutout"), an extension beyond Keras with torchvision's <c>RandomErasing</c>
/// semantics: with probability p, a rectangle of area fraction in <c>scale</c> and aspect ratio (height / width)
/// drawn log-uniformly in <c>ratio</c> is set to a value, or to unit-variance noise. Everything about it lives
/// here: its settings, its draw, its transform-dictionary keys and its per-pixel math; the engines call it
/// through <see cref="AugmentationHooks"/>. It runs last, on the finished (standardized) image, as torchvision
/// users place it after <c>Normalize</c>.
/// </summary>
internal static class RandomErasing
{
    /// <summary>Transform-dictionary key: whether the rectangle was erased (only present when random erasing is on).</summary>
    public const string AppliedKey = "random_erasing";

    /// <summary>Keys of the erased rectangle: top row, left column, height, width (torchvision's i, j, h, w).</summary>
    public const string TopKey = "erase_top", LeftKey = "erase_left", HeightKey = "erase_height", WidthKey = "erase_width";

    /// <summary>Key of the fill: a number, or "random" for normal noise (then <see cref="SeedKey"/> keys the noise).</summary>
    public const string ValueKey = "erase_value", SeedKey = "erase_seed";

    /// <summary>torchvision's attempts at a rectangle that fits before it gives up and leaves the image alone.</summary>
    public const int Attempts = 10;

    /// <summary>The generator's random-erasing arguments, validated.</summary>
    /// <param name="Probability">torchvision <c>p</c>; 0 turns random erasing off (no draw at all).</param>
    /// <param name="ScaleLow">torchvision <c>scale[0]</c>: smallest erased area, as a fraction of the image.</param>
    /// <param name="ScaleHigh">torchvision <c>scale[1]</c>.</param>
    /// <param name="RatioLow">torchvision <c>ratio[0]</c>: smallest aspect ratio (height / width).</param>
    /// <param name="RatioHigh">torchvision <c>ratio[1]</c>.</param>
    /// <param name="Value">The fill value when not <paramref name="RandomFill"/>.</param>
    /// <param name="RandomFill">torchvision <c>value="random"</c>: noise of mean 0 and variance 1 per element (see <see cref="Noise"/>).</param>
    internal readonly record struct Settings(double Probability, double ScaleLow, double ScaleHigh, double RatioLow, double RatioHigh, float Value, bool RandomFill)
    {
        /// <summary>Off: torchvision's defaults with p = 0.</summary>
        public static Settings Off { get; } = new(0, 0.02, 0.33, 0.3, 3.3, 0, false);

        public bool IsOn => Probability > 0;

        /// <summary>Throws as torchvision's constructor does, naming our parameters.</summary>
        public void Validate()
        {
            if (this == default)
            {
                return; // no random-erasing arguments at all
            }

            if (!(Probability >= 0 && Probability <= 1))
            {
                throw new ArgumentException($"`random_erasing` (the probability) should be between 0 and 1. Received: {Probability}", "random_erasing");
            }

            if (!(ScaleLow >= 0 && ScaleHigh <= 1 && ScaleLow <= ScaleHigh) || !double.IsFinite(ScaleLow) || !double.IsFinite(ScaleHigh))
            {
                throw new ArgumentException($"`random_erasing_scale` should be a range (low, high) within [0, 1]. Received: ({ScaleLow}, {ScaleHigh})", "random_erasing_scale");
            }

            if (!(RatioLow > 0 && RatioLow <= RatioHigh) || !double.IsFinite(RatioHigh))
            {
                throw new ArgumentException($"`random_erasing_ratio` should be a positive range (low, high). Received: ({RatioLow}, {RatioHigh})", "random_erasing_ratio");
            }

            if (!float.IsFinite(Value))
            {
                throw new ArgumentException($"`random_erasing_value` should be a finite number or \"random\". Received: {Value}", "random_erasing_value");
            }
        }
    }

    /// <summary>One sample's erasing, blittable (it rides in the sample's plan to the GPU).</summary>
    internal struct Parameters
    {
        /// <summary>1 when random erasing is on for the generator (the sample drew, whatever it drew).</summary>
        public int Drawn;

        /// <summary>1 when this sample's rectangle is erased.</summary>
        public int Applied;

        public int Top;
        public int Left;
        public int Height;
        public int Width;

        /// <summary>The fill value when not <see cref="RandomFill"/>.</summary>
        public float Value;

        /// <summary>1 for noise, keyed by <see cref="NoiseSeed"/> and the element's place in the rectangle.</summary>
        public int RandomFill;

        public ulong NoiseSeed;
    }

    /// <summary>
    /// torchvision's <c>RandomErasing.forward</c> + <c>get_params</c>, from the sample's stream after Keras's
    /// draws: <c>rand() &lt; p</c>, then up to <see cref="Attempts"/> tries of area = rows·cols·U(scale),
    /// aspect = exp(U(log ratio)), h = round(√(area·aspect)), w = round(√(area/aspect)) (Python's
    /// round-half-even), kept when h &lt; rows and w &lt; cols; then top ∈ [0, rows - h], left ∈ [0, cols - w].
    /// </summary>
    public static Parameters Draw<TRandom>(in Settings s, int rows, int cols, ref TRandom rng)
        where TRandom : struct, IRandomDraws
    {
        if (!s.IsOn)
        {
            return default;
        }

        var p = new Parameters { Drawn = 1, Value = s.Value, RandomFill = s.RandomFill ? 1 : 0 };
        if (!(rng.NextDouble() < s.Probability))
        {
            return p;
        }

        double area = (double)rows * cols;
        double logLow = Math.Log(s.RatioLow), logHigh = Math.Log(s.RatioHigh);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double eraseArea = area * rng.Uniform(s.ScaleLow, s.ScaleHigh);
            double aspect = Math.Exp(rng.Uniform(logLow, logHigh));
            int h = (int)Math.Round(Math.Sqrt(eraseArea * aspect), MidpointRounding.ToEven);
            int w = (int)Math.Round(Math.Sqrt(eraseArea / aspect), MidpointRounding.ToEven);
            if (!(h < rows && w < cols))
            {
                continue;
            }

            p.Applied = 1;
            p.Height = h;
            p.Width = w;
            p.NoiseSeed = s.RandomFill ? rng.NextUInt64() : 0;
            p.Top = (int)rng.NextInt64(rows - h + 1);
            p.Left = (int)rng.NextInt64(cols - w + 1);
            return p;
        }

        return p; // torchvision returns the image unchanged when no rectangle fits
    }

    /// <summary>Adds this sample's keys to a transform dictionary (none when random erasing is off).</summary>
    public static void WriteKeys(in Parameters p, IDictionary<string, object?> parameters)
    {
        if (p.Drawn == 0)
        {
            return;
        }

        parameters[AppliedKey] = p.Applied != 0;
        if (p.Applied == 0)
        {
            return;
        }

        parameters[TopKey] = p.Top;
        parameters[LeftKey] = p.Left;
        parameters[HeightKey] = p.Height;
        parameters[WidthKey] = p.Width;
        parameters[ValueKey] = p.RandomFill != 0 ? "random" : (double)p.Value;
        if (p.RandomFill != 0)
        {
            parameters[SeedKey] = unchecked((long)p.NoiseSeed);
        }
    }

    /// <summary>
    /// Reads the keys back (<c>apply_transform</c>): the rectangle is erased when <see cref="AppliedKey"/> is
    /// true, or absent while the rectangle's keys are given; missing keys mean no erasing, as Keras's defaults do.
    /// </summary>
    public static Parameters ReadKeys(IDictionary<string, object?> parameters)
    {
        bool hasRectangle = parameters.ContainsKey(HeightKey) || parameters.ContainsKey(WidthKey);
        bool applied = parameters.TryGetValue(AppliedKey, out var flag) && flag is not null ? Convert.ToDouble(flag, CultureInfo.InvariantCulture) != 0 : hasRectangle;
        if (!applied)
        {
            return default;
        }

        var p = new Parameters
        {
            Drawn = 1,
            Applied = 1,
            Top = ReadInt(parameters, TopKey),
            Left = ReadInt(parameters, LeftKey),
            Height = ReadInt(parameters, HeightKey),
            Width = ReadInt(parameters, WidthKey),
        };
        if (parameters.TryGetValue(ValueKey, out var value) && value is string text)
        {
            if (text != "random")
            {
                throw new ArgumentException($"Transform parameter `{ValueKey}` should be a number or \"random\". Received: {text}", "transform_parameters");
            }

            p.RandomFill = 1;
            p.NoiseSeed = parameters.TryGetValue(SeedKey, out var seed) && seed is not null ? unchecked((ulong)Convert.ToInt64(seed, CultureInfo.InvariantCulture)) : 0;
        }
        else
        {
            p.Value = value is null ? 0 : (float)Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }

        if (p.Top < 0 || p.Left < 0 || p.Height < 0 || p.Width < 0)
        {
            throw new ArgumentException("Transform parameters `erase_top`, `erase_left`, `erase_height` and `erase_width` should be non-negative.", "transform_parameters");
        }

        return p;
    }

    /// <summary>The value of output element (r, c, ch): the fill inside the rectangle, <paramref name="v"/> elsewhere (torchvision <c>F.erase</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float v, in Parameters p, int r, int c, int ch)
    {
        if (p.Applied == 0 || r < p.Top || r >= p.Top + p.Height || c < p.Left || c >= p.Left + p.Width)
        {
            return v;
        }

        return p.RandomFill != 0 ? Noise(p.NoiseSeed, ((((long)ch * p.Height) + (r - p.Top)) * p.Width) + (c - p.Left)) : p.Value;
    }

    /// <summary>
    /// Erases the rectangle's part of rows [rowStart, rowEnd) of one finished image, touching only erased
    /// elements (the CPU engine's hook; the same values as <see cref="Apply"/>).
    /// </summary>
    public static unsafe void ApplyToRows(float* image, in Parameters p, int rowStart, int rowEnd, int channels, int rowStride, int pixelStride, int channelStride)
    {
        if (p.Applied == 0)
        {
            return;
        }

        int r0 = Math.Max(rowStart, p.Top), r1 = Math.Min(rowEnd, p.Top + p.Height);
        for (int r = r0; r < r1; r++)
        {
            for (int c = p.Left; c < p.Left + p.Width; c++)
            {
                float* pixel = image + ((long)r * rowStride) + ((long)c * pixelStride);
                for (int ch = 0; ch < channels; ch++)
                {
                    pixel[(long)ch * channelStride] = Apply(0, p, r, c, ch);
                }
            }
        }
    }

    /// <summary>
    /// Noise for element <paramref name="index"/> of the rectangle, standing in for torchvision's <c>normal_()</c>
    /// over [C, h, w]: the sum of 12 uniforms minus 6 (mean 0, variance 1, within ±6), each uniform a SplitMix64
    /// hash of (seed, index, k). Only additions and multiplications, so the CPU engine and the GPU kernel (where
    /// log and cos would need other implementations) give the same noise, whatever the thread that asks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Noise(ulong seed, long index)
    {
        double sum = 0;
        ulong key = seed + ((ulong)index * 12 * 0x9E3779B97F4A7C15UL);
        for (int k = 1; k <= 12; k++)
        {
            sum += (Mix(key + ((ulong)k * 0x9E3779B97F4A7C15UL)) >> 11) * (1.0 / 9007199254740992.0);
        }

        return (float)(sum - 6.0);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static int ReadInt(IDictionary<string, object?> parameters, string key) =>
        parameters.TryGetValue(key, out var value) && value is not null
            ? checked((int)Convert.ToDouble(value, CultureInfo.InvariantCulture))
            : throw new ArgumentException($"Transform parameter `{key}` is needed to erase a rectangle.", "transform_parameters");
}
