namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// One of scipy.ndimage's spline orders (Keras's <c>interpolation_order</c>) as a strategy type, like
/// <see cref="IBoundaryMode"/> for the fill modes: the CPU warp and the ILGPU kernels are generic over a struct
/// implementing <see cref="IPointSampler"/> (orders 0 and 1, which read the image itself) or
/// <see cref="ISplineSampler"/> (orders 2-5, which read prefiltered coefficients), so each (mode, order) compiles
/// to its own code and no kernel branches on the order. A new order is one struct in its own file plus one line
/// in <see cref="Samplers"/>. Instance members on an empty struct (called on <c>default(TSampler)</c>) because
/// ILGPU compiles those.
/// </summary>
internal interface ISampler
{
    /// <summary>scipy's spline order.</summary>
    int Order { get; }
}

/// <summary>
/// Orders 0 and 1: the output pixel reads up to 2 × 2 input samples (<see cref="Taps"/>) and combines them in
/// float32. <see cref="Taps.Compute{TMode, TSampler}"/> folds the coordinate with the mode, then asks the sampler
/// for the first tap and the weight on each axis.
/// </summary>
internal interface IPointSampler : ISampler
{
    /// <summary>
    /// The first tap on an axis at folded coordinate <paramref name="x"/> (scipy's <c>start</c>), as the whole
    /// float64 it is rounded to, so the weight subtracts it without converting an integer back.
    /// </summary>
    double FirstTap(double x);

    /// <summary>1 when the pixel also reads the next tap on each axis; 0 when the first is the only one.</summary>
    int SecondTap { get; }

    /// <summary>The second tap's weight on an axis at <paramref name="x"/>, whose first tap is <paramref name="first"/>.</summary>
    float Weight(double x, double first);

    /// <summary>The output value from the four taps (equal for a one-tap sampler) and the two weights.</summary>
    float Combine(float topLeft, float topRight, float bottomLeft, float bottomRight, float rowWeight, float colWeight);
}

/// <summary>
/// Orders 2-5: the output pixel sums (order+1)² prefiltered coefficients (<see cref="SplineAxis"/>,
/// <see cref="SplineSampler"/>); the sampler gives the weights of scipy's <c>get_spline_interpolation_weights</c>.
/// </summary>
internal interface ISplineSampler : ISampler
{
    /// <summary>
    /// The first <see cref="ISampler.Order"/> weights at <paramref name="x"/> (the coordinate less its first
    /// tap's centre), operation for operation as scipy; the last weight is 1 minus these (<see cref="SplineAxis"/>).
    /// </summary>
    SplineWeights Weights(double x);
}

/// <summary>Up to five spline weights (the sixth, the last, is 1 minus the others). Plain fields, so ILGPU compiles it.</summary>
internal readonly struct SplineWeights(double w0, double w1, double w2, double w3, double w4)
{
    public readonly double W0 = w0, W1 = w1, W2 = w2, W3 = w3, W4 = w4;
}

/// <summary>Code that runs specialised for an order 0 or 1 sampler: <see cref="Samplers.DispatchPoint{TVisitor, TResult}"/> calls it.</summary>
internal interface IPointSamplerVisitor<out TResult>
{
    TResult Visit<TSampler>()
        where TSampler : struct, IPointSampler;
}

/// <summary>Code that runs specialised for an order 2-5 sampler: <see cref="Samplers.DispatchSpline{TVisitor, TResult}"/> calls it.</summary>
internal interface ISplineSamplerVisitor<out TResult>
{
    TResult Visit<TSampler>()
        where TSampler : struct, ISplineSampler;
}

/// <summary>The one place a runtime <c>interpolation_order</c> becomes its strategy type.</summary>
internal static class Samplers
{
    /// <summary>Runs <paramref name="visitor"/> specialised for order 0 or 1.</summary>
    public static TResult DispatchPoint<TVisitor, TResult>(int order, ref TVisitor visitor)
        where TVisitor : struct, IPointSamplerVisitor<TResult> => order switch
        {
            0 => visitor.Visit<NearestSampler>(),
            1 => visitor.Visit<LinearSampler>(),
            _ => throw new ArgumentOutOfRangeException(nameof(order), order, "orders 0 and 1 read the image itself"),
        };

    /// <summary>Runs <paramref name="visitor"/> specialised for an order from 2 to 5.</summary>
    public static TResult DispatchSpline<TVisitor, TResult>(int order, ref TVisitor visitor)
        where TVisitor : struct, ISplineSamplerVisitor<TResult> => order switch
        {
            2 => visitor.Visit<QuadraticSampler>(),
            3 => visitor.Visit<CubicSampler>(),
            4 => visitor.Visit<QuarticSampler>(),
            5 => visitor.Visit<QuinticSampler>(),
            _ => throw new ArgumentOutOfRangeException(nameof(order), order, "spline orders are 2 to 5"),
        };
}
