using Keras.Preprocessing.Memory.Augmentations;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Sources;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// Keras's <c>ImageDataGenerator</c>: generates batches of tensor image data with real-time data augmentation,
/// from images held in memory. Same parameter names, meanings and defaults as
/// <c>keras.preprocessing.image.ImageDataGenerator</c>; the augmentation runs in one fused, parallel pass.
/// </summary>
public sealed partial class ImageDataGenerator
{
    private readonly object _statsGate = new();
    // Shared with the caller (fit's results, or what the user assigned), so never disposed here.
    [NDBorrowed]
    private NDArray? _mean;
    [NDBorrowed]
    private NDArray? _std;
    [NDBorrowed]
    private NDArray? _principalComponents;
    private float[]? _meanValues;
    private float[]? _stdValues;
    private long[]? _meanShape;
    private long[]? _stdShape;
    private float[]? _componentValues;
    private int _warnedMissingStats;

    /// <summary>Creates a generator (Keras <c>ImageDataGenerator(...)</c>); every argument keeps its Keras name and default.</summary>
    /// <param name="featurewise_center">Set the input mean to 0 over the dataset, per channel (needs <see cref="fit"/>).</param>
    /// <param name="samplewise_center">Set each sample's mean to 0.</param>
    /// <param name="featurewise_std_normalization">Divide inputs by the dataset's std, per channel (needs <see cref="fit"/>).</param>
    /// <param name="samplewise_std_normalization">Divide each input by its std.</param>
    /// <param name="zca_whitening">Apply ZCA whitening (needs <see cref="fit"/>).</param>
    /// <param name="zca_epsilon">Epsilon for ZCA whitening (default 1e-6).</param>
    /// <param name="rotation_range">Degree range for random rotations.</param>
    /// <param name="width_shift_range">Horizontal shift: a float (fraction of width if &lt; 1, else pixels), an int or an int array of pixel choices.</param>
    /// <param name="height_shift_range">Vertical shift, in the same forms as <paramref name="width_shift_range"/>.</param>
    /// <param name="brightness_range">Range [lower, upper] the brightness factor is drawn from, or null.</param>
    /// <param name="shear_range">Shear angle range, in degrees, counter-clockwise.</param>
    /// <param name="zoom_range">A float z for [1 - z, 1 + z], or a pair [lower, upper].</param>
    /// <param name="channel_shift_range">Range for random channel shifts.</param>
    /// <param name="fill_mode">"constant", "nearest", "reflect" or "wrap" (Keras's), or scipy's "mirror", "grid-wrap",
    /// "grid-constant" and "grid-mirror", which Keras passes through: how points outside the input are filled.</param>
    /// <param name="cval">The value for points outside the input when <paramref name="fill_mode"/> is "constant" or "grid-constant".</param>
    /// <param name="horizontal_flip">Randomly flip inputs horizontally.</param>
    /// <param name="vertical_flip">Randomly flip inputs vertically.</param>
    /// <param name="rescale">Multiply the data by this value after the other transformations (null: none).</param>
    /// <param name="preprocessing_function">A function run on each image after augmentation, taking and returning a rank-3 NDArray of the same shape.</param>
    /// <param name="data_format">"channels_last" (default) or "channels_first".</param>
    /// <param name="validation_split">Fraction of images reserved for validation (strictly between 0 and 1).</param>
    /// <param name="interpolation_order">scipy's spline order: 0 (nearest), 1 (bilinear, default), 2-5 (B-splines).</param>
    /// <param name="dtype">Dtype of the generated arrays, a numpy name: "float32" (default), "float64", "float16", "uint8",
    /// "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64" or "bool". Batches are computed in float32 and then
    /// converted as Keras's code path converts them (newer Keras, whose <c>flow</c> passes dtype on): <c>flow</c> first
    /// converts x to dtype; with an integer dtype scipy rounds the warp into it, and the steps numpy cannot apply in
    /// place on integers (rescale, samplewise and featurewise steps) raise, unless a channel shift or brightness
    /// made the image float, whose values are then truncated. Batches of <c>flow_from_directory</c>/<c>flow_from_dataframe</c>
    /// are float images truncated into dtype. <c>apply_transform</c>, <c>random_transform</c> and <c>standardize</c>
    /// return float32 (float64 for "float64").</param>
    /// <param name="random_erasing">Beyond Keras (torchvision <c>RandomErasing(p=...)</c>): the probability that a random
    /// rectangle of each image is erased, as the last step, after standardization (default 0: off, no draw).</param>
    /// <param name="random_erasing_scale">Beyond Keras (torchvision <c>scale</c>): range of the erased area as a fraction of the
    /// image (default (0.02, 0.33)).</param>
    /// <param name="random_erasing_ratio">Beyond Keras (torchvision <c>ratio</c>): range of the rectangle's aspect ratio
    /// height / width, drawn log-uniformly (default (0.3, 3.3)).</param>
    /// <param name="random_erasing_value">Beyond Keras (torchvision <c>value</c>): the fill, a number (default 0) or "random".</param>
    /// <param name="numpy_random">Beyond Keras: draw the shuffles and augmentations from numpy's global generator
    /// (<see cref="NumpyRandom"/>), reproduced bit for bit, in Keras's order, so the same seed gives the same batches as
    /// Keras (see <see cref="numpy_random"/>). Default false: the keyed (seed, epoch, sample) streams.</param>
    public ImageDataGenerator(
        bool featurewise_center = false,
        bool samplewise_center = false,
        bool featurewise_std_normalization = false,
        bool samplewise_std_normalization = false,
        bool zca_whitening = false,
        double zca_epsilon = 1e-6,
        double rotation_range = 0,
        ShiftRange width_shift_range = default,
        ShiftRange height_shift_range = default,
        BrightnessRange? brightness_range = null,
        double shear_range = 0,
        ZoomRange zoom_range = default,
        double channel_shift_range = 0,
        string fill_mode = "nearest",
        double cval = 0,
        bool horizontal_flip = false,
        bool vertical_flip = false,
        double? rescale = null,
        Func<NDArray, NDArray>? preprocessing_function = null,
        string data_format = "channels_last",
        double validation_split = 0.0,
        int interpolation_order = 1,
        string dtype = "float32",
        double random_erasing = 0,
        (double Low, double High)? random_erasing_scale = null,
        (double Low, double High)? random_erasing_ratio = null,
        ErasingValue random_erasing_value = default,
        bool numpy_random = false)
    {
        var format = DataFormats.Parse(data_format);
        var mode = FillModes.Parse(fill_mode);
        if (validation_split != 0 && !(validation_split > 0 && validation_split < 1))
        {
            throw new ArgumentException(
                $"`validation_split` must be strictly between 0 and 1.  Received: {validation_split}", nameof(validation_split));
        }

        if (!(zca_epsilon >= 0) || !double.IsFinite(zca_epsilon))
        {
            throw new ArgumentException($"`zca_epsilon` should be a non-negative float. Received: {zca_epsilon}", nameof(zca_epsilon));
        }

        if (rescale is { } r && !double.IsFinite(r))
        {
            throw new ArgumentException($"`rescale` should be a finite number or null. Received: {r}", nameof(rescale));
        }

        var scale = random_erasing_scale ?? (0.02, 0.33);
        var ratio = random_erasing_ratio ?? (0.3, 3.3);
        var erasing = new RandomErasing.Settings(
            random_erasing, scale.Low, scale.High, ratio.Low, ratio.High, (float)random_erasing_value.Value, random_erasing_value.IsRandom);
        Settings = new AugmentationSettings(
            rotation_range, width_shift_range, height_shift_range, brightness_range, shear_range, zoom_range,
            channel_shift_range, mode, cval, horizontal_flip, vertical_flip, format, interpolation_order, new ExtensionSettings(erasing));
        Settings.Validate();
        OutputType = OutputDTypes.Parse(dtype);

        this.featurewise_center = featurewise_center;
        this.samplewise_center = samplewise_center;
        this.featurewise_std_normalization = featurewise_std_normalization;
        this.samplewise_std_normalization = samplewise_std_normalization;
        this.zca_whitening = zca_whitening;
        this.zca_epsilon = zca_epsilon;
        this.rescale = rescale is 0 ? null : rescale; // Keras tests `if self.rescale:`, so 0 means none
        if (rescale is 0)
        {
            // The C# trap: `rescale: 1 / 255` is integer division, 0, which Keras reads as "no rescaling".
            KerasWarnings.Warn("`rescale` is 0, which disables rescaling (Keras tests `if rescale:`). If you wrote `1 / 255`, " +
                "that is integer division in C#: write `1.0 / 255`.");
        }
        this.preprocessing_function = preprocessing_function;
        this.validation_split = validation_split;
        this.numpy_random = numpy_random;

        // Keras's implications between the normalization flags, with its warnings.
        if (zca_whitening)
        {
            if (!featurewise_center)
            {
                this.featurewise_center = true;
                KerasWarnings.Warn("This ImageDataGenerator specifies `zca_whitening`, which overrides setting of `featurewise_center`.");
            }

            if (featurewise_std_normalization)
            {
                this.featurewise_std_normalization = false;
                KerasWarnings.Warn("This ImageDataGenerator specifies `zca_whitening` which overrides setting of`featurewise_std_normalization`.");
            }
        }

        if (featurewise_std_normalization && !featurewise_center)
        {
            this.featurewise_center = true;
            KerasWarnings.Warn("This ImageDataGenerator specifies `featurewise_std_normalization`, which overrides setting of `featurewise_center`.");
        }

        if (samplewise_std_normalization && !samplewise_center)
        {
            this.samplewise_center = true;
            KerasWarnings.Warn("This ImageDataGenerator specifies `samplewise_std_normalization`, which overrides setting of `samplewise_center`.");
        }
    }

    /// <summary>Keras <c>featurewise_center</c> (after the constructor's implications).</summary>
    public bool featurewise_center { get; }

    /// <summary>Keras <c>samplewise_center</c>.</summary>
    public bool samplewise_center { get; }

    /// <summary>Keras <c>featurewise_std_normalization</c>.</summary>
    public bool featurewise_std_normalization { get; }

    /// <summary>Keras <c>samplewise_std_normalization</c>.</summary>
    public bool samplewise_std_normalization { get; }

    /// <summary>Keras <c>zca_whitening</c>.</summary>
    public bool zca_whitening { get; }

    /// <summary>Keras <c>zca_epsilon</c>.</summary>
    public double zca_epsilon { get; }

    /// <summary>Beyond Keras: the probability of random erasing (torchvision <c>p</c>); 0 when off.</summary>
    public double random_erasing => Settings.Extensions.Erasing.Probability;

    /// <summary>Beyond Keras: the range of the erased area fraction (torchvision <c>scale</c>).</summary>
    public (double Low, double High) random_erasing_scale => (Settings.Extensions.Erasing.ScaleLow, Settings.Extensions.Erasing.ScaleHigh);

    /// <summary>Beyond Keras: the range of the erased rectangle's aspect ratio (torchvision <c>ratio</c>).</summary>
    public (double Low, double High) random_erasing_ratio => (Settings.Extensions.Erasing.RatioLow, Settings.Extensions.Erasing.RatioHigh);

    /// <summary>Beyond Keras: the erased rectangle's fill (torchvision <c>value</c>).</summary>
    public ErasingValue random_erasing_value => Settings.Extensions.Erasing.RandomFill ? "random" : Settings.Extensions.Erasing.Value;

    /// <summary>Keras <c>rotation_range</c>, in degrees.</summary>
    public double rotation_range => Settings.RotationRange;

    /// <summary>Keras <c>width_shift_range</c>.</summary>
    public ShiftRange width_shift_range => Settings.WidthShiftRange;

    /// <summary>Keras <c>height_shift_range</c>.</summary>
    public ShiftRange height_shift_range => Settings.HeightShiftRange;

    /// <summary>Keras <c>brightness_range</c>.</summary>
    public BrightnessRange? brightness_range => Settings.BrightnessRange;

    /// <summary>Keras <c>shear_range</c>, in degrees.</summary>
    public double shear_range => Settings.ShearRange;

    /// <summary>Keras <c>zoom_range</c>, always as [lower, upper].</summary>
    public double[] zoom_range => [Settings.ZoomRange.Lower, Settings.ZoomRange.Upper];

    /// <summary>Keras <c>channel_shift_range</c>.</summary>
    public double channel_shift_range => Settings.ChannelShiftRange;

    /// <summary>Keras <c>fill_mode</c>.</summary>
    public string fill_mode => Settings.FillMode.ToKerasName();

    /// <summary>Keras <c>cval</c>.</summary>
    public double cval => Settings.Cval;

    /// <summary>Keras <c>horizontal_flip</c>.</summary>
    public bool horizontal_flip => Settings.HorizontalFlip;

    /// <summary>Keras <c>vertical_flip</c>.</summary>
    public bool vertical_flip => Settings.VerticalFlip;

    /// <summary>Keras <c>rescale</c>.</summary>
    public double? rescale { get; }

    /// <summary>Keras <c>preprocessing_function</c>.</summary>
    public Func<NDArray, NDArray>? preprocessing_function { get; }

    /// <summary>Keras <c>data_format</c>.</summary>
    public string data_format => Settings.DataFormat.ToKerasName();

    /// <summary>Keras <c>interpolation_order</c>.</summary>
    public int interpolation_order => Settings.InterpolationOrder;

    /// <summary>Keras <c>dtype</c>.</summary>
    public string dtype => OutputType.ToKerasName();

    /// <summary>Keras <c>_validation_split</c>.</summary>
    public double validation_split { get; }

    /// <summary>Keras <c>channel_axis</c> (of a batch: 3 for channels_last, 1 for channels_first).</summary>
    public int channel_axis => Settings.ImageChannelAxis + 1;

    /// <summary>Keras <c>row_axis</c> (of a batch).</summary>
    public int row_axis => Settings.ImageRowAxis + 1;

    /// <summary>Keras <c>col_axis</c> (of a batch).</summary>
    public int col_axis => Settings.ImageColAxis + 1;

    /// <summary>
    /// The featurewise mean (Keras <c>mean</c>), set by <see cref="fit"/> with shape (1, 1, C) or (C, 1, 1); it may
    /// also be assigned, as Keras users do, in any shape that numpy broadcasts over one image (Keras's
    /// <c>x -= self.mean</c>): a scalar, (C,) or (1, 1, C) under channels_last, (C, 1, 1) under channels_first, (H, W, C).
    /// </summary>
    public NDArray? mean
    {
        get => _mean;
        set => SetStatistic(value, out _mean, out _meanValues, out _meanShape);
    }

    /// <summary>The featurewise std (Keras <c>std</c>), shaped like <see cref="mean"/>.</summary>
    public NDArray? std
    {
        get => _std;
        set => SetStatistic(value, out _std, out _stdValues, out _stdShape);
    }

    /// <summary>The ZCA matrix (Keras <c>principal_components</c>), (D, D) with D = rows · cols · channels.</summary>
    public NDArray? principal_components
    {
        get => _principalComponents;
        set
        {
            lock (_statsGate)
            {
                if (value is not null && (value.ndim != 2 || value.shape[0] != value.shape[1]))
                {
                    throw new ArgumentException(
                        $"`principal_components` should be a square matrix (D, D). Received shape {Shapes.Format(value.shape)}",
                        nameof(principal_components));
                }

                _principalComponents = value;
                _componentValues = value is null ? null : ToFloats(value);
            }
        }
    }

    internal AugmentationSettings Settings { get; }

    internal OutputDType OutputType { get; }

    /// <summary>Batch buffers shared by this generator's iterators.</summary>
    internal Iterators.BufferPool Buffers { get; } = new();

    /// <summary>How this generator's iterators choose and build executors; tests inject other options here.</summary>
    internal ExecutionOptions Execution { get; set; } = ExecutionOptions.Default;

    /// <summary>
    /// Draws random transformation parameters for one image (Keras <c>get_random_transform</c>), as a dictionary
    /// with Keras's keys. <paramref name="seed"/> makes the draw reproducible: from the keyed stream, or with
    /// <see cref="numpy_random"/> as Keras does, by <c>np.random.seed(seed)</c> on numpy's global generator.
    /// </summary>
    /// <param name="img_shape">The image's shape (rank 3, in this generator's data format).</param>
    /// <param name="seed">Random seed, or null for a fresh draw (with <see cref="numpy_random"/>: the global stream continues).</param>
    public Dictionary<string, object?> get_random_transform(int[] img_shape, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(img_shape);
        if (img_shape.Length != 3)
        {
            throw new ArgumentException(
                $"`img_shape` should be the shape of one image (rank 3). Received {Shapes.Format(img_shape)}", nameof(img_shape));
        }

        int rows = img_shape[Settings.ImageRowAxis], cols = img_shape[Settings.ImageColAxis];
        if (numpy_random)
        {
            return DrawNumpyTransform(rows, cols, seed).ToDictionary();
        }

        var rng = SampleRandom.For(seed ?? Random.Shared.NextInt64(), RandomStream.Transform, 0, 0);
        return RandomTransformSampler.Sample(Settings, rows, cols, ref rng).ToDictionary();
    }

    /// <summary>
    /// Applies a transformation to one image (Keras <c>apply_transform</c>): the affine warp, channel shift, flips
    /// and brightness, as given by a Keras-style dictionary (missing keys leave that step out).
    /// </summary>
    /// <param name="x">One image, rank 3, in this generator's data format.</param>
    /// <param name="transform_parameters">Keras keys: theta, tx, ty, shear, zx, zy, flip_horizontal, flip_vertical, channel_shift_intensity, brightness;
    /// beyond Keras, random erasing's random_erasing, erase_top, erase_left, erase_height, erase_width, erase_value (a number or "random") and erase_seed.</param>
    /// <returns>The transformed image, float32 (Keras keeps the input's dtype; batches are float32 either way).</returns>
    public NDArray apply_transform(NDArray x, IDictionary<string, object?> transform_parameters) =>
        ApplyTransform(x, TransformParameters.FromDictionary(transform_parameters));

    /// <summary>Applies a random transformation to one image (Keras <c>random_transform</c>).</summary>
    /// <param name="x">One image, rank 3.</param>
    /// <param name="seed">Random seed, or null.</param>
    public NDArray random_transform(NDArray x, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var parameters = get_random_transform(Shapes.ToInt32(x.shape, nameof(x)), seed);
        return apply_transform(x, parameters);
    }

    /// <summary>
    /// Applies the normalization configuration to one image or a batch (Keras <c>standardize</c>), in Keras's
    /// order. Returns a new float32 array (Keras may modify float inputs in place). For a batch (rank 4), the
    /// samplewise statistics are one mean and one std over the whole batch, as Keras's
    /// <c>np.mean(x, keepdims=True)</c> takes them; <c>flow</c> standardizes one image at a time, so its samplewise
    /// statistics are per image.
    /// </summary>
    /// <param name="x">An image (rank 3) or a batch of images (rank 4).</param>
    public NDArray standardize(NDArray x)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool single = x.ndim == 3;
        if (!single && x.ndim != 4)
        {
            throw new ArgumentException(
                $"`x` should be one image (rank 3) or a batch (rank 4). Received shape {Shapes.Format(x.shape)}", nameof(x));
        }

        using var batch = single ? x.reshape(Prepend(1, x.shape)) : null;
        var source = ImageArray.Wrap(batch ?? x, Settings.DataFormat);
        var standardization = CurrentStandardization(source.Geometry, single ? 0 : (int)x.shape[0]);
        if (single || !(samplewise_center || samplewise_std_normalization))
        {
            return Run(source, IdentityPlans(source), standardization, x.shape);
        }

        // Keras's samplewise steps on a batch: one mean and one std over every element of it. The engine takes them
        // per image, so the batch runs in three passes: the steps before them, the batch statistics here, the rest.
        var before = Run(source, IdentityPlans(source), new Standardization
        {
            PreprocessingFunction = standardization.PreprocessingFunction,
            Rescale = standardization.Rescale,
        });
        StandardizeWhole(before, samplewise_center, samplewise_std_normalization);
        using var centred = new NDArray(before, new Shape(x.shape));
        var rest = ImageArray.Wrap(centred, Settings.DataFormat);
        return ToOutput(
            Run(rest, IdentityPlans(rest), new Standardization
            {
                FeatureMean = standardization.FeatureMean,
                FeatureStd = standardization.FeatureStd,
                PrincipalComponents = standardization.PrincipalComponents,
            }),
            x.shape);
    }

    /// <summary>
    /// Keras's <c>x -= np.mean(x, keepdims=True)</c> and <c>x /= np.std(x, keepdims=True) + 1e-6</c> over all of
    /// <paramref name="values"/>, in float32 as numpy works on a float32 batch (the moments summed in double).
    /// </summary>
    private static void StandardizeWhole(Span<float> values, bool center, bool normalize)
    {
        if (values.IsEmpty)
        {
            return;
        }

        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        float mean = (float)(sum / values.Length);
        if (center)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] -= mean;
            }

            mean = 0;
        }

        if (normalize)
        {
            double squares = 0;
            foreach (float v in values)
            {
                double d = v - (double)mean;
                squares += d * d;
            }

            float divisor = (float)Math.Sqrt(squares / values.Length) + Standardization.Epsilon;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] /= divisor;
            }
        }
    }

    private static SamplePlan[] IdentityPlans(ImageArray source)
    {
        var plans = new SamplePlan[source.Count];
        for (int i = 0; i < plans.Length; i++)
        {
            plans[i] = SamplePlan.Create(i, TransformParameters.Identity, source.Geometry.Rows, source.Geometry.Cols);
        }

        return plans;
    }

    /// <summary>Runs one image through the warp with no standardization.</summary>
    private NDArray ApplyTransform(NDArray x, TransformParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.ndim != 3)
        {
            throw new ArgumentException(
                $"`x` should be one image of rank 3. Received shape {Shapes.Format(x.shape)}", nameof(x));
        }

        if (parameters.Brightness is not null && x.shape[Settings.ImageChannelAxis] is not (1 or 3 or 4))
        {
            throw new ArgumentException(
                $"Brightness shifts need 1, 3 or 4 channels (grayscale, RGB, RGBA); the image has shape {Shapes.Format(x.shape)}", nameof(x));
        }

        using var batch = x.reshape(Prepend(1, x.shape));
        var source = ImageArray.Wrap(batch, Settings.DataFormat);
        var plan = SamplePlan.Create(0, parameters, source.Geometry.Rows, source.Geometry.Cols);
        return Run(source, [plan], Standardization.None, x.shape);
    }

    private NDArray Run(ImageArray source, SamplePlan[] plans, Standardization standardization, long[] shape) =>
        ToOutput(Run(source, plans, standardization), shape);

    private float[] Run(ImageArray source, SamplePlan[] plans, Standardization standardization)
    {
        var output = new float[source.Geometry.ElementsFor(plans.Length, "x")];
        using (var engine = new CpuAugmentationEngine())
        {
            try
            {
                engine.Execute(CreateRequest(source, plans, standardization), output);
            }
            catch (AggregateException e)
            {
                // A preprocessing_function that throws: the user's own exception, not Parallel.For's wrapper.
                Iterators.UserExceptions.Rethrow(e);
                throw;
            }
        }

        return output;
    }

    /// <summary>A request for the executors with this generator's fill mode, cval and interpolation order.</summary>
    internal AugmentationRequest CreateRequest(ImageArray source, SamplePlan[] plans, Standardization standardization) => new()
    {
        Source = source,
        Plans = plans,
        FillMode = Settings.FillMode,
        Cval = (float)Settings.Cval,
        InterpolationOrder = Settings.InterpolationOrder,
        Standardization = standardization,
    };

    /// <summary>
    /// The result of the one-image methods and of float64 batches: float64 for "float64", float32 otherwise (Keras's
    /// apply_transform and standardize keep their input's dtype rather than the generator's).
    /// </summary>
    internal NDArray ToOutput(float[] values, long[] shape)
    {
        if (OutputType != OutputDType.Float64)
        {
            return new NDArray(values, new Shape(shape));
        }

        return new NDArray(Array.ConvertAll(values, v => (double)v), new Shape(shape));
    }

    /// <summary>
    /// The standardize steps as of now (Keras reads mean/std at each call), warning once when fit is missing.
    /// <paramref name="batchSize"/> is the length of the rank-4 batch <c>standardize</c> was handed whole (0 when the
    /// statistics meet one image at a time, as in <c>flow</c>): numpy then broadcasts them over the batch's shape.
    /// </summary>
    internal Standardization CurrentStandardization(ImageGeometry geometry, int batchSize = 0)
    {
        float[]? meanValues, stdValues, components;
        long[]? meanShape, stdShape;
        lock (_statsGate)
        {
            (meanValues, stdValues, components) = (_meanValues, _stdValues, _componentValues);
            (meanShape, stdShape) = (_meanShape, _stdShape);
        }

        if (featurewise_center && meanValues is null)
        {
            WarnOnce("This ImageDataGenerator specifies `featurewise_center`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
        }

        if (featurewise_std_normalization && stdValues is null)
        {
            WarnOnce("This ImageDataGenerator specifies `featurewise_std_normalization`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
        }

        if (zca_whitening && components is null)
        {
            WarnOnce("This ImageDataGenerator specifies `zca_whitening`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
        }

        meanValues = BroadcastStatistic(meanValues, meanShape, geometry, batchSize, nameof(mean));
        stdValues = BroadcastStatistic(stdValues, stdShape, geometry, batchSize, nameof(std));
        return new Standardization
        {
            PreprocessingFunction = preprocessing_function,
            Rescale = rescale is { } r ? (float)r : null,
            SamplewiseCenter = samplewise_center,
            SamplewiseStdNormalization = samplewise_std_normalization,
            FeatureMean = featurewise_center ? meanValues : null,
            FeatureStd = featurewise_std_normalization ? stdValues : null,
            PrincipalComponents = zca_whitening ? components : null,
        };
    }

    private void WarnOnce(string message)
    {
        if (Interlocked.Exchange(ref _warnedMissingStats, 1) == 0)
        {
            KerasWarnings.Warn(message);
        }
    }

    /// <summary>
    /// A featurewise statistic as the engines take it, one value per channel or per element of the image, from any
    /// shape numpy broadcasts in place (Keras's <c>x -= self.mean</c>) against one image, or against the whole batch
    /// when <paramref name="batchSize"/> &gt; 0 (<c>standardize</c> handed a rank-4 batch: a leading axis of 1, as in
    /// (1, 1, 1, C), is then accepted). Axes are right-aligned, each 1 or the image's. Anything else throws with
    /// numpy's words, as Keras does.
    /// </summary>
    private static float[]? BroadcastStatistic(float[]? values, long[]? shape, ImageGeometry geometry, int batchSize, string name)
    {
        if (values is null || shape is null)
        {
            return values;
        }

        int[] image = geometry.Shape;
        long[] target = batchSize > 0 ? [batchSize, .. image.Select(d => (long)d)] : [.. image.Select(d => (long)d)];
        // numpy first checks that the trailing axes pair up (each 1 or x's), then that the result keeps x's shape.
        int extra = Math.Max(0, shape.Length - target.Length);
        var alignedAll = new long[target.Length];
        bool broadcasts = true;
        for (int axis = 0; axis < target.Length; axis++)
        {
            int k = axis - (target.Length - shape.Length);
            alignedAll[axis] = k >= 0 ? shape[k] : 1;
            broadcasts &= alignedAll[axis] == 1 || alignedAll[axis] == target[axis];
        }

        if (!broadcasts)
        {
            throw NotBroadcast(name, shape, geometry,
                $"operands could not be broadcast together with shapes {Shapes.FormatUnspaced(target)} {Shapes.FormatUnspaced(shape)} {Shapes.FormatUnspaced(target)} ");
        }

        if (extra > 0)
        {
            // More axes than x: the in-place subtraction cannot grow x (rank 4 on one image, even (1, 1, 1, C)).
            long[] grown = [.. shape.Take(extra), .. target];
            throw NotBroadcast(name, shape, geometry,
                $"non-broadcastable output operand with shape {Shapes.FormatUnspaced(target)} doesn't match the broadcast shape {Shapes.FormatUnspaced(grown)}");
        }

        if (batchSize > 0 && alignedAll[0] != 1)
        {
            // numpy accepts one statistic per sample, (N, ...): the engines take one statistic for the whole batch.
            throw new ArgumentException(
                $"`{name}` of shape {Shapes.Format(shape)} holds one value per sample of the batch of {batchSize}: " +
                "per-sample featurewise statistics are not supported (numpy would broadcast them); standardize each image with its own.",
                name);
        }

        var aligned = batchSize > 0 ? alignedAll[1..] : alignedAll;

        int channelAxis = geometry.IsChannelsFirst != 0 ? 0 : 2;
        if (Enumerable.Range(0, image.Length).All(axis => axis == channelAxis || aligned[axis] == 1))
        {
            // Constant over rows and columns: one value per channel, the engines' fast form.
            var perChannel = new float[geometry.Channels];
            for (int c = 0; c < perChannel.Length; c++)
            {
                perChannel[c] = values[aligned[channelAxis] == 1 ? 0 : c];
            }

            return perChannel;
        }

        // One value per element, in the image's own (data format) order; a broadcast axis repeats its single value.
        var full = new float[geometry.Size];
        long stride1 = aligned[2], stride0 = aligned[1] * aligned[2];
        int i = 0;
        for (int a = 0; a < image[0]; a++)
        {
            for (int b = 0; b < image[1]; b++)
            {
                for (int c = 0; c < image[2]; c++)
                {
                    long source = (aligned[0] == 1 ? 0 : a * stride0) + (aligned[1] == 1 ? 0 : b * stride1) + (aligned[2] == 1 ? 0 : c);
                    full[i++] = values[source];
                }
            }
        }

        return full;
    }

    private static ArgumentException NotBroadcast(string name, long[] shape, ImageGeometry geometry, string numpyMessage)
    {
        string hint = geometry.IsChannelsFirst != 0 ? $"({geometry.Channels}, 1, 1)" : $"(1, 1, {geometry.Channels})";
        return new ArgumentException(
            $"{numpyMessage} (numpy, in Keras's `x -= self.{name}`): `{name}` of shape {Shapes.Format(shape)} does not broadcast over " +
            $"images of shape {Shapes.Format(geometry.Shape)}: use one value per channel, shaped {hint}, or the image's shape.",
            name);
    }

    private void SetStatistic(NDArray? value, out NDArray? array, out float[]? values, out long[]? shape)
    {
        lock (_statsGate)
        {
            array = value;
            values = value is null ? null : ToFloats(value);
            shape = value?.shape.Select(d => (long)d).ToArray();
        }
    }

    private static float[] ToFloats(NDArray value)
    {
        using var asFloat = value.typecode == NPTypeCode.Single ? null : NumSharpCompat.AsType(value, NPTypeCode.Single);
        return (asFloat ?? value).ToArray<float>();
    }

    private static long[] Prepend(long first, long[] rest) => [first, .. rest];
}
