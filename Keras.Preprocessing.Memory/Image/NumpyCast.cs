namespace Keras.Preprocessing.Memory.Image;

/// <summary>numpy's float to uint8 cast (<c>astype('uint8')</c>) as it behaves on x86-64.</summary>
internal static class NumpyCast
{
    /// <summary>
    /// numpy truncates through a 32-bit integer and keeps the low byte, so -1 becomes 255 and
    /// 256 becomes 0; NaN and values outside the int32 range become 0. .NET's own casts
    /// saturate instead, hence the explicit rule.
    /// </summary>
    public static byte ToUInt8(double value)
    {
        if (!(value > -2147483649.0 && value < 2147483648.0))
        {
            return 0;
        }
        return unchecked((byte)(int)value);
    }
}
