using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// ZCA whitening of a batch (Keras <c>np.dot(flatx, principal_components)</c>): the (count × D) batch times the
/// D × D matrix as one blocked matrix product, so the matrix streams from memory once per batch instead of once
/// per image (at 32x32x3 it is 36 MiB: per image that was 270x slower than the whole warp).
/// </summary>
internal static unsafe class ZcaProjection
{
    // The matrix re-laid out in column strips for the kernel, made once per principal_components array.
    private static readonly ConditionalWeakTable<float[], PackedMatrix> Packed = new();

    public static void Apply(float[] batch, int count, int size, float[] components, ParallelOptions parallel)
    {
        if (components.Length != (long)size * size)
        {
            throw new InvalidOperationException(
                $"`principal_components` should be ({size}, {size}) for images of {size} values; it holds {components.Length} values.");
        }

        if (!Gemm.IsAccelerated)
        {
            ApplyRowByRow(batch, count, size, components, parallel);
            return;
        }

        var packed = Packed.GetValue(components, c => Gemm.Pack(c, size, size));
        float[] result = ArrayPool<float>.Shared.Rent(count * size);
        try
        {
            fixed (float* a = batch)
            fixed (float* c = result)
            {
                Gemm.MultiplyPacked(a, count, size, packed, c, parallel);
            }

            result.AsSpan(0, count * size).CopyTo(batch);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(result);
        }
    }

    /// <summary>The per-row product (no SIMD hardware): each row accumulated as Σ_k x_k · P[k, :].</summary>
    internal static void ApplyRowByRow(float[] batch, int count, int size, float[] components, ParallelOptions parallel)
    {
        Parallel.For(0, count, parallel, () => new float[size], (s, _, accumulator) =>
        {
            var row = batch.AsSpan(s * size, size);
            accumulator.AsSpan().Clear();
            for (int k = 0; k < size; k++)
            {
                float xk = row[k];
                if (xk != 0)
                {
                    TensorPrimitives.MultiplyAdd(components.AsSpan(k * size, size), xk, accumulator, accumulator);
                }
            }

            accumulator.AsSpan().CopyTo(row);
            return accumulator;
        }, _ => { });
    }
}

/// <summary>A k × n matrix in column strips of <see cref="Gemm.Strip"/> floats: strip s holds rows 0..k of columns s·Strip.., zero-padded.</summary>
internal sealed class PackedMatrix(float[] data, int rows, int cols)
{
    public float[] Data { get; } = data;

    public int Rows { get; } = rows;

    public int Cols { get; } = cols;

    public int Strips => (Cols + Gemm.Strip - 1) / Gemm.Strip;
}

/// <summary>
/// Single-precision matrix products for ZCA, blocked for registers and cache with 512- or 256-bit vectors: a
/// tile of 8 rows × <see cref="Strip"/> columns accumulates over the inner dimension with fused multiply-adds, one
/// broadcast per row and two vector loads per step. The batch product (512-bit) reads its rows interleaved, eight
/// rows' values of one step side by side, so the whole tile is one register tile of 16 accumulators behind one
/// pointer; the Gram product and the 256-bit path read rows in place and run the tile as two register tiles of 4
/// rows (8 accumulators: with 16 and eight row pointers the JIT kept them on the stack, at 1.7x the cost).
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>Rows of a register tile.</summary>
    public const int TileRows = 8;

    /// <summary>Rows of x per block in <see cref="AddGram"/> (its slice of x stays in L2 while the tiles sweep it).</summary>
    private const int GramRowBlock = 128;

    /// <summary>Steps of the inner dimension per chunk of a strip in the batch product (32 KiB of the packed matrix).</summary>
    private const int DepthChunk = 256;

    /// <summary>Row tiles whose sums a chunked sweep carries at once (8 KiB of scratch); more rows sweep the strip again.</summary>
    private const int TilesPerSweep = 8;

    /// <summary>Floats per cache line.</summary>
    private const int LineFloats = 16;

    /// <summary>Whether the vector kernels run (else callers take their scalar paths).</summary>
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    /// <summary>Columns of a register tile: two vectors.</summary>
    public static int Strip => Vector512.IsHardwareAccelerated ? 32 : 16;

    /// <summary>Packs the row-major k × n matrix <paramref name="b"/> into column strips.</summary>
    public static PackedMatrix Pack(float[] b, int k, int n)
    {
        int strip = Strip;
        int strips = (n + strip - 1) / strip;
        var data = new float[(long)strips * k * strip];
        Parallel.For(0, strips, s =>
        {
            int c0 = s * strip;
            int width = Math.Min(strip, n - c0);
            for (int r = 0; r < k; r++)
            {
                b.AsSpan((r * n) + c0, width).CopyTo(data.AsSpan((int)(((long)s * k * strip) + ((long)r * strip)), width));
            }
        });
        return new PackedMatrix(data, k, n);
    }

    /// <summary>c (m × n) = a (m × k, row-major, leading dimension k) · b (packed k × n).</summary>
    public static void MultiplyPacked(float* a, int m, int k, PackedMatrix b, float* c, ParallelOptions parallel)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            MultiplyInterleaved(a, m, k, b, c, parallel);
            return;
        }

        int n = b.Cols;
        int strip = Strip;
        int rowBlocks = (m + TileRows - 1) / TileRows;
        fixed (float* packed = b.Data)
        {
            var basePtr = (nint)packed;
            var aPtr = (nint)a;
            var cPtr = (nint)c;

            // Strips across the threads: each strip (k × Strip floats) streams from memory once and is reused from
            // L2 by every row block.
            RunStrips(b.Strips, parallel, s =>
            {
                float* bs = (float*)basePtr + ((long)s * k * strip);
                int c0 = s * strip;
                int width = Math.Min(strip, n - c0);
                for (int rb = 0; rb < rowBlocks; rb++)
                {
                    int r0 = rb * TileRows;
                    int rows = Math.Min(TileRows, m - r0);
                    Tile(
                        (float*)aPtr + ((long)r0 * k), k, 1, rows, bs, strip, k, accumulate: false,
                        (float*)cPtr + ((long)r0 * n) + c0, n, width);
                }
            });
        }
    }

    /// <summary>
    /// <see cref="MultiplyPacked"/> with 512-bit vectors: the rows of a interleaved by row tile (<see cref="InterleaveRows"/>),
    /// and each strip swept in chunks of <see cref="DepthChunk"/> steps, every row tile of a chunk in turn, while
    /// they prefetch the next chunk.
    /// </summary>
    /// <remarks>
    /// A batch of 32 rows is only four row tiles: a sweep of the whole strip per tile fetched the strip from memory
    /// at the pace of the first tile and then computed the other three on a resident strip, memory and arithmetic in
    /// turn (3.94 ms per 32 x 3,072 x 3,072 product; 3.73 with the 16-accumulator tile; 3.54 chunked, with the
    /// prefetch). A tile's sums are carried from chunk to chunk in a scratch tile, so each output is still one chain of
    /// fused multiply-adds over the steps in order: the same bits as without chunks or interleaving.
    /// </remarks>
    private static void MultiplyInterleaved(float* a, int m, int k, PackedMatrix b, float* c, ParallelOptions parallel)
    {
        const int Strip512 = 32;
        int n = b.Cols;
        int rowBlocks = (m + TileRows - 1) / TileRows;
        float[] interleaved = ArrayPool<float>.Shared.Rent(rowBlocks * k * TileRows);
        try
        {
            fixed (float* packed = b.Data)
            fixed (float* rows = interleaved)
            {
                InterleaveRows(a, m, k, rows);
                var basePtr = (nint)packed;
                var endPtr = (nint)(packed + b.Data.Length);
                var rowsPtr = (nint)rows;
                var cPtr = (nint)c;
                RunStrips(b.Strips, parallel, s =>
                {
                    float* bs = (float*)basePtr + ((long)s * k * Strip512);
                    int c0 = s * Strip512;
                    int width = Math.Min(Strip512, n - c0);
                    float* sums = stackalloc float[TilesPerSweep * TileRows * Strip512];
                    for (int first = 0; first < rowBlocks; first += TilesPerSweep)
                    {
                        int tiles = Math.Min(TilesPerSweep, rowBlocks - first);
                        for (int k0 = 0; k0 < k; k0 += DepthChunk)
                        {
                            int depth = Math.Min(DepthChunk, k - k0);
                            float* chunk = bs + ((long)k0 * Strip512);

                            // The next chunk follows in the packed data (this strip's, or the next strip's first): its
                            // lines are split between the tiles, each requesting its share while it computes.
                            float* next = chunk + ((long)depth * Strip512);
                            long nextLines = Math.Clamp(((float*)endPtr - next) / LineFloats, 0, (long)DepthChunk * Strip512 / LineFloats);
                            int share = (int)((nextLines + tiles - 1) / tiles);
                            for (int t = 0; t < tiles; t++)
                            {
                                int lines = (int)Math.Clamp(nextLines - ((long)t * share), 0, share);
                                Tile8x32(
                                    (float*)rowsPtr + ((((long)(first + t) * k) + k0) * TileRows), chunk, depth, sums + (t * TileRows * Strip512),
                                    carry: k0 > 0, next + ((long)t * share * LineFloats), lines);
                            }
                        }

                        for (int t = 0; t < tiles; t++)
                        {
                            int r0 = (first + t) * TileRows;
                            Store(new ReadOnlySpan<float>(sums + (t * TileRows * Strip512), TileRows * Strip512), Strip512, Math.Min(TileRows, m - r0), false, (float*)cPtr + ((long)r0 * n) + c0, n, width);
                        }
                    }
                });
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(interleaved);
        }
    }

    /// <summary>
    /// The strips' work on the engine's worker team, which starts within microseconds, rather than the thread pool,
    /// whose second thread woke late for a product of a few milliseconds per batch (3.6 against 4.2 ms at 32 x 3,072
    /// x 3,072); the pool when the team has all the batches it takes.
    /// </summary>
    private static void RunStrips(int strips, ParallelOptions parallel, Action<int> body)
    {
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        if (!WorkerTeam.Shared.TryRun(strips, threads, body))
        {
            Parallel.For(0, strips, parallel, body);
        }
    }

    /// <summary>
    /// The m × k rows of <paramref name="a"/> by row tile: tile t holds, for each step p, rows 8t..8t+7's values at
    /// p side by side (rows past m are zero), so a tile's broadcasts read one pointer.
    /// </summary>
    private static void InterleaveRows(float* a, int m, int k, float* interleaved)
    {
        int rowBlocks = (m + TileRows - 1) / TileRows;
        for (int rb = 0; rb < rowBlocks; rb++)
        {
            float* tile = interleaved + ((long)rb * k * TileRows);
            for (int t = 0; t < TileRows; t++)
            {
                int r = (rb * TileRows) + t;
                float* row = a + ((long)r * k);
                for (int p = 0; p < k; p++)
                {
                    tile[((long)p * TileRows) + t] = r < m ? row[p] : 0;
                }
            }
        }
    }

    /// <summary>
    /// One 8 x 32 register tile of the batch product: sums[t, 0..32) = (carry ? sums[t, ..] : 0) + Σ_p a[p·8 + t] ·
    /// b[p·32 + 0..32) for p &lt; depth, as one chain of fused multiply-adds per output in step order; on the way the
    /// first <paramref name="lines"/> cache lines from <paramref name="prefetch"/> are requested, one per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x32(float* a, float* b, int depth, float* sums, bool carry, float* prefetch, int lines)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        if (carry)
        {
            c00 = Vector512.Load(sums);
            c01 = Vector512.Load(sums + 16);
            c10 = Vector512.Load(sums + 32);
            c11 = Vector512.Load(sums + 48);
            c20 = Vector512.Load(sums + 64);
            c21 = Vector512.Load(sums + 80);
            c30 = Vector512.Load(sums + 96);
            c31 = Vector512.Load(sums + 112);
            c40 = Vector512.Load(sums + 128);
            c41 = Vector512.Load(sums + 144);
            c50 = Vector512.Load(sums + 160);
            c51 = Vector512.Load(sums + 176);
            c60 = Vector512.Load(sums + 192);
            c61 = Vector512.Load(sums + 208);
            c70 = Vector512.Load(sums + 224);
            c71 = Vector512.Load(sums + 240);
        }

        float* end = a + ((long)depth * TileRows);
        float* request = prefetch;
        float* requestEnd = prefetch + ((long)lines * LineFloats);
        for (; a < end; a += TileRows, b += 32)
        {
            if (Sse.IsSupported && request < requestEnd)
            {
                Sse.Prefetch0(request);
                request += LineFloats;
            }

            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }

        // A chunk shorter than its share of lines (the last chunk of a strip) requests the rest at once.
        for (; Sse.IsSupported && request < requestEnd; request += LineFloats)
        {
            Sse.Prefetch0(request);
        }

        Vector512.Store(c00, sums);
        Vector512.Store(c01, sums + 16);
        Vector512.Store(c10, sums + 32);
        Vector512.Store(c11, sums + 48);
        Vector512.Store(c20, sums + 64);
        Vector512.Store(c21, sums + 80);
        Vector512.Store(c30, sums + 96);
        Vector512.Store(c31, sums + 112);
        Vector512.Store(c40, sums + 128);
        Vector512.Store(c41, sums + 144);
        Vector512.Store(c50, sums + 160);
        Vector512.Store(c51, sums + 176);
        Vector512.Store(c60, sums + 192);
        Vector512.Store(c61, sums + 208);
        Vector512.Store(c70, sums + 224);
        Vector512.Store(c71, sums + 240);
    }

    /// <summary>
    /// c (d × d, row-major, zeroed) = xᵀ x, both triangles: the blocked product where SIMD allows, else the scalar
    /// sum; the one entry point for the covariance in <c>fit</c> and the component product.
    /// </summary>
    public static void Gram(float* x, int rows, int d, float[] c, ParallelOptions parallel)
    {
        fixed (float* cp = c)
        {
            if (IsAccelerated)
            {
                AddGram(x, rows, d, cp, parallel);
            }
            else
            {
                SymmetricEigen.ScalarGram(x, rows, d, cp);
            }
        }

        SymmetricEigen.Mirror(c, d);
    }

    /// <summary>
    /// The upper triangle (by tiles) of c (d × d, row-major) += xᵀ x for x of <paramref name="rows"/> × d, summed in
    /// float like numpy's <c>np.dot(flat_x.T, flat_x)</c> on float32; the caller mirrors the lower triangle.
    /// </summary>
    public static void AddGram(float* x, int rows, int d, float* c, ParallelOptions parallel)
    {
        int strip = Strip;
        int strips = (d + strip - 1) / strip;
        var xPtr = (nint)x;
        var cPtr = (nint)c;
        for (int r0 = 0; r0 < rows; r0 += GramRowBlock)
        {
            int block = Math.Min(GramRowBlock, rows - r0);
            float* xb = (float*)xPtr + ((long)r0 * d);
            var xbPtr = (nint)xb;
            Parallel.For(0, strips, parallel, s =>
            {
                int c0 = s * strip;
                int width = Math.Min(strip, d - c0);
                float* bs = (float*)xbPtr + c0;
                long bStep = d;
                float[]? tail = null;
                if (width < strip)
                {
                    // The last, narrower strip: a zero-padded copy, so full-strip loads stay inside the data.
                    tail = new float[block * strip];
                    for (int r = 0; r < block; r++)
                    {
                        new ReadOnlySpan<float>(bs + ((long)r * d), width).CopyTo(tail.AsSpan(r * strip));
                    }

                    bStep = strip;
                }

                fixed (float* padded = tail)
                {
                    // Row tiles of c whose rows start at or before this strip's last column: the upper triangle.
                    for (int i0 = 0; i0 < c0 + width; i0 += TileRows)
                    {
                        int tileRows = Math.Min(TileRows, d - i0);
                        Tile(
                            (float*)xbPtr + i0, 1, d, tileRows, tail is null ? bs : padded, bStep, block, accumulate: true,
                            (float*)cPtr + ((long)i0 * d) + c0, d, width);
                    }
                }
            });
        }
    }

    /// <summary>
    /// One register tile: c[t, 0..width) (+)= Σ_p a[t·aRow + p·aStep] · b[p·bStep + 0..width) for t &lt; rows, p &lt; depth.
    /// b must be readable for a full strip at every step (packed strips and the last strip of x are zero-padded).
    /// </summary>
    private static void Tile(float* a, long aRow, long aStep, int rows, float* b, long bStep, int depth, bool accumulate, float* c, long cRow, int width)
    {
        // Missing rows read row 0 again; their sums are dropped.
        float* a0 = a, a1 = a + (aRow * (rows > 1 ? 1 : 0)), a2 = a + (aRow * (rows > 2 ? 2 : 0)), a3 = a + (aRow * (rows > 3 ? 3 : 0));
        float* a4 = a + (aRow * (rows > 4 ? 4 : 0)), a5 = a + (aRow * (rows > 5 ? 5 : 0)), a6 = a + (aRow * (rows > 6 ? 6 : 0)), a7 = a + (aRow * (rows > 7 ? 7 : 0));
        if (Vector512.IsHardwareAccelerated)
        {
            // Two 4-row halves: with 16 vector accumulators in one loop the JIT keeps them on the stack.
            Tile512x4(a0, a1, a2, a3, aStep, Math.Min(rows, 4), b, bStep, depth, accumulate, c, cRow, width);
            if (rows > 4)
            {
                Tile512x4(a4, a5, a6, a7, aStep, rows - 4, b, bStep, depth, accumulate, c + (4 * cRow), cRow, width);
            }
        }
        else
        {
            Tile256x4(a0, a1, a2, a3, aStep, Math.Min(rows, 4), b, bStep, depth, accumulate, c, cRow, width);
            if (rows > 4)
            {
                Tile256x4(a4, a5, a6, a7, aStep, rows - 4, b, bStep, depth, accumulate, c + (4 * cRow), cRow, width);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512x4(float* a0, float* a1, float* a2, float* a3, long aStep, int rows, float* b, long bStep, int depth, bool accumulate, float* c, long cRow, int width)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (long p = 0, ap = 0, bp = 0; p < depth; p++, ap += aStep, bp += bStep)
        {
            var b0 = Vector512.Load(b + bp);
            var b1 = Vector512.Load(b + bp + 16);
            var x = Vector512.Create(a0[ap]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[ap]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[ap]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[ap]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
        }

        float* sums = stackalloc float[4 * 32];
        Vector512.Store(c00, sums);
        Vector512.Store(c01, sums + 16);
        Vector512.Store(c10, sums + 32);
        Vector512.Store(c11, sums + 48);
        Vector512.Store(c20, sums + 64);
        Vector512.Store(c21, sums + 80);
        Vector512.Store(c30, sums + 96);
        Vector512.Store(c31, sums + 112);
        Store(new ReadOnlySpan<float>(sums, 4 * 32), 32, rows, accumulate, c, cRow, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile256x4(float* a0, float* a1, float* a2, float* a3, long aStep, int rows, float* b, long bStep, int depth, bool accumulate, float* c, long cRow, int width)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (long p = 0, ap = 0, bp = 0; p < depth; p++, ap += aStep, bp += bStep)
        {
            var b0 = Vector256.Load(b + bp);
            var b1 = Vector256.Load(b + bp + 8);
            var x = Vector256.Create(a0[ap]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[ap]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[ap]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[ap]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }

        float* sums = stackalloc float[4 * 16];
        Vector256.Store(c00, sums);
        Vector256.Store(c01, sums + 8);
        Vector256.Store(c10, sums + 16);
        Vector256.Store(c11, sums + 24);
        Vector256.Store(c20, sums + 32);
        Vector256.Store(c21, sums + 40);
        Vector256.Store(c30, sums + 48);
        Vector256.Store(c31, sums + 56);
        Store(new ReadOnlySpan<float>(sums, 4 * 16), 16, rows, accumulate, c, cRow, width);
    }

    private static void Store(ReadOnlySpan<float> sums, int strip, int rows, bool accumulate, float* c, long cRow, int width)
    {
        for (int t = 0; t < rows; t++)
        {
            var row = new Span<float>(c + (t * cRow), width);
            var tile = sums.Slice(t * strip, width);
            if (accumulate)
            {
                TensorPrimitives.Add(row, tile, row);
            }
            else
            {
                tile.CopyTo(row);
            }
        }
    }
}

/// <summary>
/// The ZCA matrix of a covariance: U · diag(1/sqrt(λ + ε)) · Uᵀ from the symmetric eigendecomposition Σ = U Λ Uᵀ
/// (for a symmetric positive semi-definite Σ these are the U and singular values of Keras's <c>linalg.svd(sigma)</c>).
/// </summary>
/// <remarks>
/// Householder tridiagonalization and implicit QL (the algorithm of EISPACK's tred2/tql2) in double, laid out for
/// vectors and the cache: every Householder step is a row-wise product and rank-2 update over contiguous rows
/// across the workers; the QL sweeps run on the tridiagonal alone and record their plane rotations, which are then
/// applied to the eigenvector matrix in column chunks that stay in L2 (one pass over the rotations per chunk instead
/// of one pass over the matrix per sweep); and the final U f(Λ) Uᵀ is one float Gram product.
/// </remarks>
internal static unsafe class SymmetricEigen
{
    /// <summary>Doubles per row chunk when applying the rotations (n × 64 doubles = 1.5 MiB at n = 3072: L2-resident).</summary>
    private const int RotationChunk = 64;

    /// <summary>
    /// The ZCA matrix of the symmetric <paramref name="sigma"/> (n × n, row-major; destroyed), as floats:
    /// Σ_i f(λ_i) u_i u_iᵀ with f(λ) = 1/sqrt(|λ| + <paramref name="epsilon"/>).
    /// </summary>
    public static float[] InverseSquareRoot(double[] sigma, int n, double epsilon, ParallelOptions parallel)
    {
        var d = new double[n];
        var e = new double[n];
        var vectors = Tridiagonalize(sigma, n, d, e, parallel);

        // sigma now free: form Qᵀ in it (row i = column i of Q), then rotate its rows into the eigenvectors.
        var qt = sigma;
        FormQTransposed(vectors, n, qt, parallel);
        var rotations = QlEigenvalues(d, e, n);
        rotations.Apply(qt, n, parallel);

        // Y = diag(f(λ)^½) Uᵀ in float, then the ZCA matrix = Yᵀ Y.
        var y = new float[(long)n * n];
        Parallel.For(0, n, parallel, i =>
        {
            double scale = Math.Pow(Math.Abs(d[i]) + epsilon, -0.25);
            var src = qt.AsSpan(i * n, n);
            var dst = y.AsSpan(i * n, n);
            for (int k = 0; k < n; k++)
            {
                dst[k] = (float)(src[k] * scale);
            }
        });
        var result = new float[(long)n * n];
        fixed (float* yp = y)
        {
            Gemm.Gram(yp, n, n, result, parallel);
        }

        return result;
    }

    /// <summary>Copies the upper triangle onto the lower one.</summary>
    public static void Mirror(float[] c, int n)
    {
        for (int i = 1; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                c[((long)i * n) + j] = c[((long)j * n) + i];
            }
        }
    }

    /// <summary>c += xᵀ x on the upper triangle without vector hardware.</summary>
    public static void ScalarGram(float* x, int rows, int d, float* c)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = x + ((long)r * d);
            for (int i = 0; i < d; i++)
            {
                float xi = row[i];
                float* ci = c + ((long)i * d);
                for (int j = i; j < d; j++)
                {
                    ci[j] += xi * row[j];
                }
            }
        }
    }

    /// <summary>
    /// Reduces the symmetric a (full storage, row-major) to tridiagonal form T = Qᵀ a Q: diagonal d, sub-diagonal
    /// e[k] = T[k+1, k] (e[n-1] = 0). Returns the Householder vectors (v_k, with v_k[0] = 1, scaled by sqrt(τ_k)) so
    /// that Q = H_0 · … · H_{n-3}, H_k = I - v_k v_kᵀ on indices k+1..n-1.
    /// </summary>
    private static double[][] Tridiagonalize(double[] a, int n, double[] d, double[] e, ParallelOptions parallel)
    {
        var vectors = new double[Math.Max(0, n - 2)][];
        var p = new double[n];
        for (int k = 0; k < n - 2; k++)
        {
            int m = n - k - 1;
            int o = k + 1;
            d[k] = a[((long)k * n) + k];

            // x = column k below the diagonal = row k right of it (symmetric).
            var x = a.AsSpan((k * n) + o, m);
            double alpha = x[0];
            double sigma = m > 1 ? TensorPrimitives.SumOfSquares(x[1..]) : 0;
            if (sigma == 0)
            {
                e[k] = alpha;
                vectors[k] = [];
                continue;
            }

            double norm = Math.Sqrt((alpha * alpha) + sigma);
            double beta = alpha <= 0 ? norm : -norm;
            double tau = (beta - alpha) / beta;
            var v = new double[m];
            double inv = 1.0 / (alpha - beta);
            v[0] = 1;
            for (int i = 1; i < m; i++)
            {
                v[i] = x[i] * inv;
            }

            // Fold τ in: H = I - τ v vᵀ = I - u uᵀ with u = sqrt(τ) v.
            double root = Math.Sqrt(tau);
            for (int i = 0; i < m; i++)
            {
                v[i] *= root;
            }

            e[k] = beta;
            vectors[k] = v;

            // p = A22 u; w = p - ½ (pᵀu) u; A22 -= u wᵀ + w uᵀ.
            var aPtr = a;
            Parallel.For(0, m, parallel, i => p[i] = TensorPrimitives.Dot(aPtr.AsSpan(((o + i) * n) + o, m), v));
            double half = 0.5 * TensorPrimitives.Dot(p.AsSpan(0, m), v);
            for (int i = 0; i < m; i++)
            {
                p[i] -= half * v[i];
            }

            Parallel.For(0, m, parallel, i =>
            {
                fixed (double* row = &aPtr[((o + i) * n) + o])
                fixed (double* pp = p)
                fixed (double* vp = v)
                {
                    SubtractRankTwo(row, pp, vp, v[i], p[i], m);
                }
            });
        }

        if (n >= 2)
        {
            d[n - 2] = a[((long)(n - 2) * n) + n - 2];
            e[n - 2] = a[((long)(n - 1) * n) + n - 2];
        }

        d[n - 1] = a[((long)(n - 1) * n) + n - 1];
        e[n - 1] = 0;
        return vectors;
    }

    /// <summary>row[k] -= a·p[k] + b·v[k] in one pass over the row.</summary>
    private static void SubtractRankTwo(double* row, double* p, double* v, double a, double b, int m)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; k <= m - 8; k += 8)
            {
                var r = Vector512.Load(row + k) - Vector512.FusedMultiplyAdd(va, Vector512.Load(p + k), vb * Vector512.Load(v + k));
                Vector512.Store(r, row + k);
            }
        }

        for (; k < m; k++)
        {
            row[k] -= (a * p[k]) + (b * v[k]);
        }
    }

    /// <summary>Qᵀ = H_{n-3} · … · H_0 (each H symmetric) into <paramref name="qt"/>, accumulated from the last reflector back.</summary>
    private static void FormQTransposed(double[][] vectors, int n, double[] qt, ParallelOptions parallel)
    {
        // Q = H_0 (H_1 (… H_{n-3})): start from I and apply H_k to rows/cols k+1.. going backwards; that builds Q,
        // whose transpose we need. Building Q's rows r = k+1..n-1 restricted to columns k+1..n-1: Q_sub -= u (uᵀ Q_sub).
        Array.Clear(qt);
        for (int i = 0; i < n; i++)
        {
            qt[((long)i * n) + i] = 1;
        }

        var w = new double[n];
        for (int k = vectors.Length - 1; k >= 0; k--)
        {
            var u = vectors[k];
            if (u.Length == 0)
            {
                continue;
            }

            int o = k + 1;
            int m = n - o;

            // wᵀ = uᵀ Q_sub: the rows of Q_sub summed with weights u, split by column ranges across workers.
            var arr = qt;
            int chunks = Math.Max(1, Math.Min(parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism * 4 : 8, m / 64));
            Parallel.For(0, chunks, parallel, c =>
            {
                int c0 = (int)((long)m * c / chunks), c1 = (int)((long)m * (c + 1) / chunks);
                var acc = w.AsSpan(c0, c1 - c0);
                acc.Clear();
                for (int r = 0; r < m; r++)
                {
                    TensorPrimitives.MultiplyAdd(arr.AsSpan(((o + r) * n) + o + c0, c1 - c0), u[r], acc, acc);
                }
            });
            Parallel.For(0, m, parallel, r =>
            {
                var row = arr.AsSpan(((o + r) * n) + o, m);
                TensorPrimitives.MultiplyAdd(w.AsSpan(0, m), -u[r], row, row);
            });
        }

        // Transpose Q in place into Qᵀ.
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                (qt[((long)i * n) + j], qt[((long)j * n) + i]) = (qt[((long)j * n) + i], qt[((long)i * n) + j]);
            }
        }
    }

    /// <summary>
    /// Eigenvalues of the symmetric tridiagonal (d, e) by implicit QL with shifts (tql2), in place in d; returns the
    /// plane rotations it made, in order, for the eigenvectors.
    /// </summary>
    private static RotationLog QlEigenvalues(double[] d, double[] e, int n)
    {
        var log = new RotationLog(n);
        double f = 0, tst1 = 0;
        double eps = Math.Pow(2.0, -52.0);
        for (int l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.Abs(e[m]) > eps * tst1)
            {
                m++;
            }

            if (m > l)
            {
                int iterations = 0;
                do
                {
                    if (++iterations > 60)
                    {
                        throw new InvalidOperationException("ZCA: the eigenvalue iteration did not converge.");
                    }

                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Hypot(p, 1.0);
                    if (p < 0)
                    {
                        r = -r;
                    }

                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++)
                    {
                        d[i] -= h;
                    }

                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
                    double el1 = e[l + 1];
                    log.BeginSweep();
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = (c * d[i]) - (s * g);
                        d[i + 1] = h + (s * ((c * g) + (s * d[i])));
                        log.Add(i, c, s);
                    }

                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
                while (Math.Abs(e[l]) > eps * tst1);
            }

            d[l] += f;
            e[l] = 0;
        }

        return log;
    }

    private static double Hypot(double a, double b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        if (a < b)
        {
            (a, b) = (b, a);
        }

        if (a == 0)
        {
            return 0;
        }

        double t = b / a;
        return a * Math.Sqrt(1 + (t * t));
    }

    /// <summary>The QL sweeps' plane rotations, in order: rotation (i, c, s) mixes eigenvector rows i and i+1.</summary>
    private sealed class RotationLog(int n)
    {
        private int[] _index = new int[n * 4];
        private double[] _cos = new double[n * 4];
        private double[] _sin = new double[n * 4];
        private int _count;
        private readonly List<int> _sweeps = [];

        /// <summary>Marks the start of a sweep: rotations on rows (i, i+1) for i descending by one.</summary>
        public void BeginSweep() => _sweeps.Add(_count);

        public void Add(int i, double c, double s)
        {
            if (_count == _index.Length)
            {
                Array.Resize(ref _index, _count * 2);
                Array.Resize(ref _cos, _count * 2);
                Array.Resize(ref _sin, _count * 2);
            }

            _index[_count] = i;
            _cos[_count] = c;
            _sin[_count] = s;
            _count++;
        }

        /// <summary>
        /// Applies every rotation, in order, to the rows of <paramref name="qt"/>: row i+1 ← s·row i + c·row i+1,
        /// row i ← c·row i − s·row i+1. Column chunks are independent, so each worker takes chunks and runs the
        /// whole rotation list over its chunk while it sits in L2.
        /// </summary>
        public void Apply(double[] qt, int n, ParallelOptions parallel)
        {
            var (index, cos, sin, count) = (_index, _cos, _sin, _count);
            var sweeps = _sweeps.Append(_count).ToArray();
            int chunks = (n + RotationChunk - 1) / RotationChunk;
            Parallel.For(0, chunks, parallel, chunk =>
            {
                int c0 = chunk * RotationChunk;
                int width = Math.Min(RotationChunk, n - c0);
                fixed (double* q = qt)
                fixed (int* ip = index)
                fixed (double* cp = cos)
                fixed (double* sp = sin)
                {
                    if (Vector512.IsHardwareAccelerated && width == RotationChunk)
                    {
                        for (int w = 0; w + 1 < sweeps.Length; w++)
                        {
                            Sweep64(q + c0, n, ip, cp, sp, sweeps[w], sweeps[w + 1]);
                        }
                    }
                    else
                    {
                        for (int t = 0; t < count; t++)
                        {
                            Rotate(q + ((long)ip[t] * n) + c0, q + ((long)(ip[t] + 1) * n) + c0, width, cp[t], sp[t]);
                        }
                    }
                }
            });
        }

        /// <summary>
        /// One sweep (rotations [from, to), rows descending) over 64 columns held in registers: the row below is
        /// carried from one rotation to the next, so each row is loaded and stored once per sweep.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Sweep64(double* q, long n, int* index, double* cos, double* sin, int from, int to)
        {
            if (from == to)
            {
                return;
            }

            double* below = q + ((index[from] + 1) * n);
            var y0 = Vector512.Load(below);
            var y1 = Vector512.Load(below + 8);
            var y2 = Vector512.Load(below + 16);
            var y3 = Vector512.Load(below + 24);
            var y4 = Vector512.Load(below + 32);
            var y5 = Vector512.Load(below + 40);
            var y6 = Vector512.Load(below + 48);
            var y7 = Vector512.Load(below + 56);
            double* row = below;
            for (int t = from; t < to; t++)
            {
                row = q + (index[t] * n);
                double* next = row + n;
                var c = Vector512.Create(cos[t]);
                var s = Vector512.Create(sin[t]);
                var x = Vector512.Load(row);
                Vector512.Store((s * x) + (c * y0), next);
                y0 = (c * x) - (s * y0);
                x = Vector512.Load(row + 8);
                Vector512.Store((s * x) + (c * y1), next + 8);
                y1 = (c * x) - (s * y1);
                x = Vector512.Load(row + 16);
                Vector512.Store((s * x) + (c * y2), next + 16);
                y2 = (c * x) - (s * y2);
                x = Vector512.Load(row + 24);
                Vector512.Store((s * x) + (c * y3), next + 24);
                y3 = (c * x) - (s * y3);
                x = Vector512.Load(row + 32);
                Vector512.Store((s * x) + (c * y4), next + 32);
                y4 = (c * x) - (s * y4);
                x = Vector512.Load(row + 40);
                Vector512.Store((s * x) + (c * y5), next + 40);
                y5 = (c * x) - (s * y5);
                x = Vector512.Load(row + 48);
                Vector512.Store((s * x) + (c * y6), next + 48);
                y6 = (c * x) - (s * y6);
                x = Vector512.Load(row + 56);
                Vector512.Store((s * x) + (c * y7), next + 56);
                y7 = (c * x) - (s * y7);
            }

            Vector512.Store(y0, row);
            Vector512.Store(y1, row + 8);
            Vector512.Store(y2, row + 16);
            Vector512.Store(y3, row + 24);
            Vector512.Store(y4, row + 32);
            Vector512.Store(y5, row + 40);
            Vector512.Store(y6, row + 48);
            Vector512.Store(y7, row + 56);
        }

        private static void Rotate(double* x, double* y, int width, double c, double s)
        {
            int k = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var vc = Vector512.Create(c);
                var vs = Vector512.Create(s);
                for (; k <= width - 8; k += 8)
                {
                    var xi = Vector512.Load(x + k);
                    var yi = Vector512.Load(y + k);
                    Vector512.Store((vs * xi) + (vc * yi), y + k);
                    Vector512.Store((vc * xi) - (vs * yi), x + k);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var vc = Vector256.Create(c);
                var vs = Vector256.Create(s);
                for (; k <= width - 4; k += 4)
                {
                    var xi = Vector256.Load(x + k);
                    var yi = Vector256.Load(y + k);
                    Vector256.Store((vs * xi) + (vc * yi), y + k);
                    Vector256.Store((vc * xi) - (vs * yi), x + k);
                }
            }

            for (; k < width; k++)
            {
                double xi = x[k], yi = y[k];
                y[k] = (s * xi) + (c * yi);
                x[k] = (c * xi) - (s * yi);
            }
        }
    }
}
