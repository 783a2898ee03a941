using System.Runtime.InteropServices;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Parameters;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;
using Keras.Preprocessing.Memory.Sampling;
using Keras.Preprocessing.Memory.Tests.Engine;
using NumSharp;
using NumSharp.Backends.Unmanaged;

namespace Keras.Preprocessing.Memory.Tests.Execution;

/// <summary>
/// The warp's wide loads (paired 8-lane reads, 4-lane reads of 3-channel pixels, the boundary runs' windows) never
/// read past the source's last element: the images end exactly where an inaccessible page begins, so an over-read
/// faults (and takes the test run down) instead of reading whatever follows a managed array.
/// </summary>
[TestClass]
public sealed unsafe class WarpReadBoundsTests
{
    private const int ProtRead = 1, ProtWrite = 2, ProtNone = 0;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;
    private const int Trials = 16;

    [TestMethod]
    public void NoPathReadsPastTheSourcesEnd()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the guard page uses mmap/mprotect");
        }

        var random = new Random(2024);
        int checkedImages = 0;
        foreach (var (rows, cols) in new[] { (2, 3), (7, 5), (31, 17), (64, 64), (130, 97) })
        {
            foreach (int channels in new[] { 1, 3, 4 })
            {
                foreach (bool bytes in new[] { false, true })
                {
                    foreach (var mode in new[] { FillMode.Nearest, FillMode.Constant, FillMode.Reflect, FillMode.Wrap })
                    {
                        checkedImages += WarpAtTheEnd(random, rows, cols, channels, bytes, mode);
                    }
                }
            }
        }

        Assert.IsGreaterThan(0, checkedImages);
    }

    /// <summary>Warps the last of two images, both ending at a guard page, under transforms that reach the last row and column.</summary>
    private static int WarpAtTheEnd(Random random, int rows, int cols, int channels, bool bytes, FillMode mode)
    {
        var g = new ImageGeometry(rows, cols, channels, DataFormat.ChannelsLast);
        int elementSize = bytes ? 1 : sizeof(float);
        long dataBytes = 2L * g.Size * elementSize;
        long page = Environment.SystemPageSize;
        long mappedBytes = (((dataBytes + page - 1) / page) + 1) * page;
        nint map = Mmap(0, (nuint)mappedBytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        Assert.AreNotEqual((nint)(-1), map, "mmap");
        try
        {
            byte* guard = (byte*)map + mappedBytes - page;
            Assert.AreEqual(0, Mprotect((nint)guard, (nuint)page, ProtNone), "mprotect");
            byte* data = guard - dataBytes;
            for (long i = 0; i < dataBytes; i++)
            {
                data[i] = (byte)random.Next(bytes ? 256 : 64); // float32: small finite values from the low bytes
            }

            using var source = bytes
                ? new NDArray(new ArraySlice<byte>(new UnmanagedMemoryBlock<byte>(data, 2L * g.Size, () => { })), new Shape(2, rows, cols, channels))
                : new NDArray(new ArraySlice<float>(new UnmanagedMemoryBlock<float>((float*)data, 2L * g.Size, () => { })), new Shape(2, rows, cols, channels));
            var images = ImageArray.Wrap(source, DataFormat.ChannelsLast);
            var output = new float[g.Size];
            for (int trial = 0; trial < Trials; trial++)
            {
                // Shifts past the last row and column (both ways), rotations, zooms out and in: every path meets the
                // image's end, the corner beyond the last pixel included.
                double Uniform(double a) => ((random.NextDouble() * 2) - 1) * a;
                var p = new TransformParameters(
                    Uniform(30),
                    Uniform(0.6 * rows),
                    Uniform(0.6 * cols),
                    trial % 3 == 0 ? Uniform(15) : 0,
                    1 + Uniform(0.4),
                    1 + Uniform(0.4),
                    random.Next(2) == 1,
                    random.Next(2) == 1,
                    null,
                    null);
                var plan = SamplePlan.Create(1, p, rows, cols);
                foreach (bool wide in new[] { true, false })
                {
                    WarpFastPathTests.Run(images, [plan], mode, 0.5f, order: 1, output, wide);
                }
            }

            return Trials;
        }
        finally
        {
            Assert.AreEqual(0, Munmap(map, (nuint)mappedBytes), "munmap");
        }
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(nint address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(nint address, nuint length);
}
