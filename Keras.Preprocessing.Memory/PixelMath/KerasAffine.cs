using Keras.Preprocessing.Memory.Sampling;

namespace Keras.Preprocessing.Memory.PixelMath;

/// <summary>
/// Builds the inverse sampling map of Keras's <c>apply_affine_transform</c>: rotation · shift · shear · zoom
/// (each factor only when non-trivial), re-centred on (h/2 + 0.5, w/2 + 0.5) as
/// <c>transform_matrix_offset_center</c> does, so input (row, col) = M · (out_row, out_col, 1).
/// </summary>
internal static class KerasAffine
{
    /// <summary>The 2x3 map for one image, or null when Keras would skip the warp altogether.</summary>
    public static Matrix2x3? Build(in TransformParameters p, int rows, int cols)
    {
        Matrix3? m = null;
        if (p.Theta != 0)
        {
            double t = p.Theta * (Math.PI / 180.0); // numpy's deg2rad: x * (pi / 180), one rounding of the constant first
            double c = Math.Cos(t), s = Math.Sin(t);
            m = Multiply(m, new Matrix3(c, -s, 0, s, c, 0));
        }

        if (p.Tx != 0 || p.Ty != 0)
        {
            m = Multiply(m, new Matrix3(1, 0, p.Tx, 0, 1, p.Ty));
        }

        if (p.Shear != 0)
        {
            double s = p.Shear * (Math.PI / 180.0); // numpy's deg2rad
            m = Multiply(m, new Matrix3(1, -Math.Sin(s), 0, 0, Math.Cos(s), 0));
        }

        if (p.Zx != 1 || p.Zy != 1)
        {
            m = Multiply(m, new Matrix3(p.Zx, 0, 0, 0, p.Zy, 0));
        }

        if (m is not { } matrix)
        {
            return null;
        }

        double ox = (rows / 2.0) + 0.5;
        double oy = (cols / 2.0) + 0.5;
        var centred = new Matrix3(1, 0, ox, 0, 1, oy).Multiply(matrix).Multiply(new Matrix3(1, 0, -ox, 0, 1, -oy));
        return new Matrix2x3(centred.A00, centred.A01, centred.A02, centred.A10, centred.A11, centred.A12);
    }

    private static Matrix3 Multiply(Matrix3? left, Matrix3 right) => left is { } l ? l.Multiply(right) : right;

    /// <summary>An affine 3x3 matrix whose last row is (0, 0, 1).</summary>
    private readonly record struct Matrix3(double A00, double A01, double A02, double A10, double A11, double A12)
    {
        // Same summation order as numpy's dot over full 3x3 matrices, so results round the same way.
        public Matrix3 Multiply(Matrix3 b) => new(
            (A00 * b.A00) + (A01 * b.A10),
            (A00 * b.A01) + (A01 * b.A11),
            (A00 * b.A02) + (A01 * b.A12) + A02,
            (A10 * b.A00) + (A11 * b.A10),
            (A10 * b.A01) + (A11 * b.A11),
            (A10 * b.A02) + (A11 * b.A12) + A12);
    }
}

/// <summary>The top two rows of an affine map: input (row, col) = (A00 r + A01 c + A02, A10 r + A11 c + A12).</summary>
internal readonly record struct Matrix2x3(double A00, double A01, double A02, double A10, double A11, double A12);
