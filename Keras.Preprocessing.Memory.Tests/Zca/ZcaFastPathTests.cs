using Keras.Preprocessing.Memory.Execution;
using MathNet.Numerics.LinearAlgebra;

namespace Keras.Preprocessing.Memory.Tests.Zca;

/// <summary>
/// The ZCA fast paths against straightforward references: the blocked batch product against the per-row
/// product flow used before, the float Gram product against a double sum, and the eigensolver's
/// U · diag(1/sqrt(λ + ε)) · Uᵀ against MathNet's symmetric eigendecomposition (the previous fit).
/// </summary>
[TestClass]
public sealed class ZcaFastPathTests
{
    private static readonly ParallelOptions Parallel = new() { MaxDegreeOfParallelism = 2 };

    [TestMethod]
    [DataRow(37, 75)]
    [DataRow(32, 192)]
    [DataRow(5, 300)]
    [DataRow(1, 33)]
    public void BatchProductEqualsRowByRowProduct(int count, int size)
    {
        var random = new Random(count * 1000 + size);
        var components = RandomFloats(random, size * size, -0.5f, 0.5f);
        var batch = RandomFloats(random, count * size, 0, 1);
        var expected = (float[])batch.Clone();
        ZcaProjection.ApplyRowByRow(expected, count, size, components, Parallel);
        var actual = (float[])batch.Clone();
        ZcaProjection.Apply(actual, count, size, components, Parallel);

        // The same sums in the same order, fused or not: float rounding apart (|x| < 1, |P| < 0.5: sums below size / 2).
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-6 * size, $"element {i}");
        }
    }

    [TestMethod]
    [DataRow(1, 33)]
    [DataRow(5, 300)]
    [DataRow(8, 256)]
    [DataRow(9, 600)]
    [DataRow(37, 517)]
    [DataRow(70, 300)]
    public unsafe void BatchProductIsOneFusedChainPerOutputInStepOrder(int count, int size)
    {
        // Whatever the blocking (row tiles, interleaved rows, chunks of the inner dimension carried in a scratch tile,
        // more tiles than one sweep carries), each output is fma(a[p], b[p, j], sum) for p = 0, 1, ... in order: the
        // same bits as a scalar chain.
        var random = new Random((count * 7) + size);
        var components = RandomFloats(random, size * size, -0.5f, 0.5f);
        var batch = RandomFloats(random, count * size, -1, 1);
        var product = new float[count * size];
        var packed = Gemm.Pack(components, size, size);
        fixed (float* a = batch)
        fixed (float* c = product)
        {
            Gemm.MultiplyPacked(a, count, size, packed, c, Parallel);
        }

        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < size; j++)
            {
                float sum = 0;
                for (int p = 0; p < size; p++)
                {
                    sum = MathF.FusedMultiplyAdd(batch[(i * size) + p], components[(p * size) + j], sum);
                }

                Assert.AreEqual(BitConverter.SingleToInt32Bits(sum), BitConverter.SingleToInt32Bits(product[(i * size) + j]), $"({i}, {j}): {sum} against {product[(i * size) + j]}");
            }
        }
    }

    [TestMethod]
    public void BatchProductIsTheSameOnAnyThreadsAndCallers()
    {
        // The product's strips run on the engine's worker team: which thread takes which strip, how many threads
        // (ParallelOptions' -1 means all cores), and other callers on the team at the same time change no bit.
        const int Count = 29, Size = 300;
        var random = new Random(31);
        var components = RandomFloats(random, Size * Size, -0.5f, 0.5f);
        var batch = RandomFloats(random, Count * Size, 0, 1);
        float[] Product(ParallelOptions options)
        {
            var result = (float[])batch.Clone();
            ZcaProjection.Apply(result, Count, Size, components, options);
            return result;
        }

        var expected = Product(new ParallelOptions { MaxDegreeOfParallelism = 1 });
        CollectionAssert.AreEqual(expected, Product(Parallel));
        CollectionAssert.AreEqual(expected, Product(new ParallelOptions()));
        var concurrent = new float[6][];
        System.Threading.Tasks.Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i => concurrent[i] = Product(Parallel));
        foreach (var result in concurrent)
        {
            CollectionAssert.AreEqual(expected, result);
        }
    }

    [TestMethod]
    [DataRow(300, 70)]
    [DataRow(129, 33)]
    [DataRow(7, 96)]
    public unsafe void GramProductEqualsDoubleSum(int rows, int d)
    {
        var random = new Random(rows + d);
        var x = RandomFloats(random, rows * d, -1, 1);
        var gram = new float[d * d];
        fixed (float* xp = x)
        fixed (float* gp = gram)
        {
            Gemm.AddGram(xp, rows, d, gp, Parallel);
        }

        SymmetricEigen.Mirror(gram, d);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    sum += (double)x[(r * d) + i] * x[(r * d) + j];
                }

                Assert.AreEqual(sum, gram[(i * d) + j], 1e-5 * rows, $"({i}, {j})");
            }
        }
    }

    [TestMethod]
    [DataRow(60, 500, 1e-1)] // well conditioned: more samples than features
    [DataRow(120, 40, 1e-6)] // rank-deficient (Keras's default epsilon on few samples): many zero eigenvalues
    [DataRow(1, 1, 1e-6)]
    [DataRow(2, 3, 1e-6)]
    public void InverseSquareRootEqualsMathNetEigendecomposition(int features, int samples, double epsilon)
    {
        var random = new Random(features + samples);
        var x = Matrix<double>.Build.Dense(samples, features, (_, _) => random.NextDouble() - 0.5);
        var sigma = x.TransposeThisAndMultiply(x) / samples;

        var evd = sigma.Evd(Symmetricity.Symmetric);
        var scale = evd.EigenValues.Map(e => 1.0 / Math.Sqrt(Math.Abs(e.Real) + epsilon));
        var expected = evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(scale) * evd.EigenVectors.Transpose();

        var actual = SymmetricEigen.InverseSquareRoot(sigma.ToRowMajorArray(), features, epsilon, Parallel);
        double largest = expected.Enumerate().Max(Math.Abs);
        double worst = 0;
        for (int i = 0; i < features; i++)
        {
            for (int j = 0; j < features; j++)
            {
                worst = Math.Max(worst, Math.Abs(expected[i, j] - actual[(i * features) + j]));
            }
        }

        // Float output of a matrix whose entries reach 1/sqrt(ε): relative to the largest entry.
        Assert.IsLessThanOrEqualTo(1e-5 * largest, worst, $"max abs error {worst} (largest entry {largest})");
    }

    [TestMethod]
    public void FitThenFlowWhitensLikeStandardizeOnLargerImages()
    {
        // 16x16x3 = 768 features through fit (Gram product + eigensolver) and flow (batch product) against
        // standardize, which whitens image by image: the two flow paths must agree.
        var random = new Random(5);
        using var x = new NumSharp.NDArray(RandomFloats(random, 400 * 768, 0, 1), new NumSharp.Shape(400, 16, 16, 3));
        var generator = new ImageDataGenerator(zca_whitening: true, zca_epsilon: 1e-2);
        generator.fit(x);
        using var it = generator.flow(x, batch_size: 32, shuffle: false);
        using var batch = it.next();
        var flowed = TestData.Floats(batch.x);
        for (int i = 0; i < 32; i += 7)
        {
            using var image = x[i].copy();
            using var one = generator.standardize(image);
            var expected = TestData.Floats(one);
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.AreEqual(expected[k], flowed[(i * 768) + k], 1e-3 * Math.Max(1, Math.Abs(expected[k])), $"image {i}, value {k}");
            }
        }
    }

    private static float[] RandomFloats(Random random, int length, float min, float max)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = min + ((max - min) * random.NextSingle());
        }

        return values;
    }
}
