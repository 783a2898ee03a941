using Keras.Preprocessing.Memory;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;
using NumSharp;

namespace KerasMemory.GpuBench;

/// <summary>
/// GPU against CPU engine through the public API (<c>flow(..., device)</c>, <c>next()</c>, <c>next_on_device()</c>):
/// every fill mode and interpolation order this build accepts, uint8 and float32 sources, with the value shifts
/// and the standardize steps on, measured in float steps at the batch's scale (<see cref="FloatSteps"/>). The
/// test project compiles this file too and runs it on ILGPU's CPU accelerator.
/// </summary>
public static class AgreementCheck
{
    /// <summary>Every fill mode a Keras user may name (scipy's); those this build rejects are reported, not run.</summary>
    public static readonly string[] FillModes = ["constant", "nearest", "reflect", "wrap", "mirror", "grid-constant", "grid-wrap", "grid-mirror"];

    /// <summary>Interpolation orders tried (scipy's 0 to 5); those this build rejects are reported, not run.</summary>
    public static readonly int[] Orders = [0, 1, 2, 3, 4, 5];

    /// <summary>
    /// Runs every configuration on <paramref name="device"/> (a flow() device name) and on "cpu"; returns one row
    /// per configuration. <paramref name="options"/> is the generator's executor options (null: the product's;
    /// the CPU accelerator's redirect in tests).
    /// </summary>
    /// <param name="device">The GPU device, as flow() spells it.</param>
    /// <param name="size">Rows and columns of the test images.</param>
    /// <param name="batches">Batches compared per configuration.</param>
    /// <param name="options">Executor options for both generators, or null.</param>
    internal static List<AgreementRow> Run(string device, int size = 48, int batches = 2, ExecutionOptions? options = null)
    {
        var rows = new List<AgreementRow>();
        var fills = Accepted(FillModes, fill => Generator(fill, 1, false), rows, "fill mode");
        var orders = Accepted(Orders, order => Generator("nearest", order, false), rows, "interpolation order");
        foreach (string dtype in new[] { "uint8", "float32" })
        {
            using var x = Images(dtype, 8, size);
            foreach (string fill in fills)
            {
                foreach (int order in orders)
                {
                    foreach (bool standardize in new[] { false, true })
                    {
                        var generator = Generator(fill, order, standardize);
                        if (options is not null)
                        {
                            generator.Execution = options;
                        }

                        if (standardize)
                        {
                            generator.fit(x);
                        }

                        string name = $"{dtype} {fill} order {order}{(standardize ? " standardized" : "")}";
                        try
                        {
                            rows.Add(new AgreementRow(name, Compare(generator, x, device, batches), null));
                        }
                        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException)
                        {
                            // One configuration that cannot run must not hide the others' results (nor the timings).
                            rows.Add(new AgreementRow(name, null, $"FAILED: {e.GetType().Name}: {e.Message}", Failed: true));
                        }
                    }
                }
            }
        }

        return rows;
    }

    /// <summary>The values this build accepts; a row for each it rejects (a newer Keras option an older build lacks).</summary>
    private static List<T> Accepted<T>(IEnumerable<T> values, Func<T, ImageDataGenerator> make, List<AgreementRow> rows, string what)
    {
        var accepted = new List<T>();
        foreach (var value in values)
        {
            try
            {
                make(value);
                accepted.Add(value);
            }
            catch (ArgumentException)
            {
                rows.Add(new AgreementRow($"{what} {value}", null, "not accepted by this build"));
            }
        }

        return accepted;
    }

    /// <summary>All rows' agreement together (the rows that ran).</summary>
    internal static Agreement Total(IEnumerable<AgreementRow> rows) =>
        rows.Where(r => r.Agreement is not null).Aggregate(default(Agreement), (a, r) => a.Merge(r.Agreement!.Value));

    private static Agreement Compare(ImageDataGenerator generator, NDArray x, string device, int batches)
    {
        using var cpu = generator.flow(x, batch_size: 4, shuffle: true, seed: 7, device: "cpu");
        using var gpu = generator.flow(x, batch_size: 4, shuffle: true, seed: 7, device: device);
        using var onDevice = generator.flow(x, batch_size: 4, shuffle: true, seed: 7, device: device);
        if (gpu.device == "cpu")
        {
            throw new InvalidOperationException($"device \"{device}\" fell back to the CPU: nothing to compare.");
        }

        var agreement = default(Agreement);
        for (int i = 0; i < batches; i++)
        {
            using var expected = cpu.next();
            using var actual = gpu.next();
            using var kept = onDevice.next_on_device();
            using var downloaded = kept.numpy();
            var reference = expected.x.ToArray<float>();
            agreement = agreement.Merge(FloatSteps.Compare(reference, actual.x.ToArray<float>()));
            agreement = agreement.Merge(FloatSteps.Compare(reference, downloaded.ToArray<float>()));
        }

        return agreement;
    }

    private static ImageDataGenerator Generator(string fill, int order, bool standardize) => new(
        rotation_range: 30,
        width_shift_range: 0.2,
        height_shift_range: 0.2,
        shear_range: 10,
        zoom_range: 0.3,
        horizontal_flip: true,
        vertical_flip: true,
        fill_mode: fill,
        cval: 17,
        interpolation_order: order,
        channel_shift_range: standardize ? 20 : 0,
        brightness_range: standardize ? (0.7, 1.3) : null,
        rescale: standardize ? 1.0 / 255 : null,
        featurewise_center: standardize,
        featurewise_std_normalization: standardize,
        samplewise_center: standardize);

    /// <summary>Smooth images with noise, so a wrong tap shows: n × size × size × 3, values in 0..255.</summary>
    private static NDArray Images(string dtype, int n, int size)
    {
        var rng = new Random(3);
        var values = new float[n * size * size * 3];
        for (int i = 0; i < values.Length; i++)
        {
            int c = i / 3 % size, r = i / 3 / size % size;
            double smooth = 127 + (100 * Math.Sin((r * 0.31) + (c * 0.17) + (i % 3)));
            values[i] = (float)Math.Round(Math.Clamp(smooth + (rng.NextDouble() * 40) - 20, 0, 255));
        }

        using var floats = new NDArray(values, new Shape(n, size, size, 3));
        return dtype == "uint8" ? floats.astype(NPTypeCode.Byte) : floats.copy();
    }
}

/// <summary>One configuration's agreement, or why it did not run (<paramref name="Failed"/>: it should have).</summary>
/// <param name="Configuration">What ran: dtype, fill mode, order, standardization.</param>
/// <param name="Agreement">Its agreement, when it ran.</param>
/// <param name="Skipped">Why it did not run.</param>
/// <param name="Failed">Whether that is a failure (an error), not an option this build lacks.</param>
internal sealed record AgreementRow(string Configuration, Agreement? Agreement, string? Skipped, bool Failed = false);
