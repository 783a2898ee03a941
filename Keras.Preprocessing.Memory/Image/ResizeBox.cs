namespace Keras.Preprocessing.Memory.Image;

/// <summary>
/// The source region a resize reads from, in PIL's (left, upper, right, lower) order.
/// PIL keeps it in C floats, so it does too: the filter centres are computed from these values.
/// </summary>
internal readonly record struct ResizeBox(float Left, float Upper, float Right, float Lower)
{
    public static ResizeBox Full(int width, int height) => new(0, 0, width, height);

    public bool IsFull(int width, int height) => Left == 0 && Upper == 0 && Right == width && Lower == height;

    /// <summary>Same checks, and messages, as PIL's <c>_resize</c>.</summary>
    public void Validate(int width, int height)
    {
        if (Left < 0 || Upper < 0)
        {
            throw new ArgumentException("box offset can't be negative", "box");
        }
        if (Right > width || Lower > height)
        {
            throw new ArgumentException("box can't exceed original image size", "box");
        }
        if (Right - Left < 0 || Lower - Upper < 0)
        {
            throw new ArgumentException("box can't be empty", "box");
        }
    }
}
