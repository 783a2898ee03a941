using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Execution;
using Keras.Preprocessing.Memory.Gpu;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// How the library meets the CUDA driver where only real hardware would show it: the driver library's name on
/// Linux, the thread's current context around each call, the one ILGPU CUDA context of the process, and device
/// memory that holds garbage rather than zeros.
/// </summary>
[TestClass]
public sealed class CudaDriverInteropTests
{
    [TestMethod]
    public void IlgpusDriverImportFallsBackToTheVersionedLibrary()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the fallback is for Linux's libcuda.so.1");
        }

        // libc.so.6 stands in for libcuda.so.1: a versioned soname with no unversioned link, found as the driver's is.
        nint handle = CudaDriver.Resolve(typeof(CudaAPI).Assembly, CudaAPI.LibNameLinux, ["libkerasmemory-absent.so.1", "libc.so.6"]);

        Assert.AreNotEqual(0, handle, "ILGPU's [DllImport(\"cuda\")] must reach the first candidate that loads");
        CollectionAssert.AreEqual(new[] { "libcuda.so.1", "libcuda.so" }, CudaDriver.LibraryNames, "the driver's own name first: libcuda.so comes only with the toolkit");
    }

    [TestMethod]
    public void OtherLibrariesImportsAreLeftToTheirOwners()
    {
        Assert.AreEqual(0, CudaDriver.Resolve(typeof(CudaDriverInteropTests).Assembly, CudaAPI.LibNameLinux, ["libc.so.6"]), "not ILGPU's import");
        Assert.AreEqual(0, CudaDriver.Resolve(typeof(CudaAPI).Assembly, "nvvm", ["libc.so.6"]), "not the driver");
        Assert.AreEqual(0, CudaDriver.Resolve(typeof(CudaAPI).Assembly, CudaAPI.LibNameLinux, ["libkerasmemory-absent.so.1"]), "nothing loads: let .NET report it");
    }

    [TestMethod]
    public void AForeignContextIsReplacedForTheCallAndPutBack()
    {
        var thread = new FakeThreadContext(current: 0xF00);

        using (DeviceContextScope.Enter(0xABC, thread))
        {
            Assert.AreEqual(0xABC, thread.Current, "the device's context for the library's driver calls");
        }

        Assert.AreEqual(0xF00, thread.Current, "the consumer's context (TorchSharp's primary one) is back");
        CollectionAssert.AreEqual(new nint[] { 0xABC, 0xF00 }, thread.Sets);
    }

    [TestMethod]
    public void AThreadWithoutAContextIsLeftWithout()
    {
        // Left current, ILGPU's private context would become the CUDA runtime's context for this thread.
        var thread = new FakeThreadContext(current: 0);

        using (DeviceContextScope.Enter(0xABC, thread))
        {
            Assert.AreEqual(0xABC, thread.Current);
        }

        Assert.AreEqual(0, thread.Current);
    }

    [TestMethod]
    public void NestedScopesSwitchOnceEachWay()
    {
        var thread = new FakeThreadContext(current: 0xF00);

        using (DeviceContextScope.Enter(0xABC, thread))
        {
            using (DeviceContextScope.Enter(0xABC, thread))
            {
                Assert.AreEqual(0xABC, thread.Current);
            }

            Assert.AreEqual(0xABC, thread.Current, "the inner scope found the context current and leaves it");
        }

        CollectionAssert.AreEqual(new nint[] { 0xABC, 0xF00 }, thread.Sets);
    }

    [TestMethod]
    public void AnAlreadyCurrentContextIsNotSetAgain()
    {
        var thread = new FakeThreadContext(current: 0xABC);

        using (DeviceContextScope.Enter(0xABC, thread))
        {
        }

        Assert.IsEmpty(thread.Sets);
    }

    [TestMethod]
    public void APreviousContextThatWentAwayLeavesNone()
    {
        var thread = new FakeThreadContext(current: 0xF00) { Destroyed = 0xF00 };

        using (DeviceContextScope.Enter(0xABC, thread))
        {
        }

        Assert.AreEqual(0, thread.Current);
    }

    [TestMethod]
    public void AFailedRestoreNeverReplacesTheCallsOwnException()
    {
        var thread = new FakeThreadContext(current: 0xF00) { Destroyed = 0xF00, RefuseNone = true };

        var scope = DeviceContextScope.Enter(0xABC, thread);
        scope.Dispose();

        Assert.AreEqual(0xABC, thread.Current, "nothing could be set back; the scope says nothing");
    }

    [TestMethod]
    public void PageLockingRefusedByTheDeviceFallsBackLikeAFailedAllocation()
    {
        // ILGPU throws NotSupportedException for page-locked memory on a device that cannot map host memory; the
        // executor turns DeviceAllocationException into a batch on the CPU engine, any other exception into a failure.
        var error = Assert.ThrowsExactly<DeviceAllocationException>(
            () => DeviceAllocationException.Guard<int>(() => throw new NotSupportedException("no mapped host memory"), 4096, "page-locked host memory"));

        StringAssert.Contains(error.Message, "page-locked host memory");
        Assert.IsInstanceOfType<NotSupportedException>(error.InnerException);
    }

    [TestMethod]
    public void OnTheCpuAcceleratorTheScopeBindsTheAccelerator()
    {
        using var context = Context.Create(builder => builder.CPU());
        using var accelerator = context.CreateCPUAccelerator(0);

        using (DeviceContextScope.Enter(accelerator))
        {
            Assert.AreSame(accelerator, Accelerator.Current);
        }
    }

    [TestMethod]
    public void EveryCudaDeviceSharesTheProcesssOneIlgpuContext()
    {
        // ILGPU's builder.Cuda() installs a DllImport resolver on WSL, which .NET allows once per assembly: a
        // second ILGPU CUDA context fails there. Here (no GPU) each attempt fails after reaching the context.
        for (int i = 0; i < 2; i++)
        {
            try
            {
                GpuDevice.Acquire(new DeviceSpec(DeviceKind.Cuda, 0)).Release();
            }
            catch (Exception e) when (e is DllNotFoundException or ArgumentOutOfRangeException or NotSupportedException or InvalidOperationException)
            {
                // No CUDA device or driver on this machine.
            }
        }

        Assert.AreEqual(1, GpuDevice.CudaContextsCreated);
        Assert.AreSame(GpuDevice.CudaContext, GpuDevice.CudaContext);
    }

    [TestMethod]
    public void APoisonedLaneBufferReadsAsNaNUntilWritten()
    {
        Assert.IsTrue(DeviceMemoryPoison.Enabled, "the test run poisons device buffers (KernelDeviceLifetime)");
        var device = GpuDevice.Acquire(new DeviceSpec(DeviceKind.IlgpuCpu, 0));
        try
        {
            using var lane = new BatchLane(device.Accelerator);
            var output = lane.ReserveOutput(64);
            var coefficients = lane.ReserveSplineCoefficients(8);
            lane.Stream.Synchronize();

            Assert.IsTrue(PinnedCopies.Download(output).All(float.IsNaN), "fresh float32 buffer");
            Assert.IsTrue(PinnedCopies.Download(coefficients).All(double.IsNaN), "fresh float64 buffer");

            output.SubView(0, 4).MemSetToZero(lane.Stream);
            var again = lane.ReserveOutput(64);
            lane.Stream.Synchronize();
            Assert.IsTrue(PinnedCopies.Download(again).All(float.IsNaN), "a reused buffer is garbage again for the next batch");
        }
        finally
        {
            device.Release();
        }
    }

    /// <summary>A thread's current CUDA context as the driver keeps it, with the contexts set on it.</summary>
    private sealed class FakeThreadContext(nint current) : ICurrentContext
    {
        public nint Current { get; private set; } = current;

        public List<nint> Sets { get; } = [];

        /// <summary>A context cuCtxSetCurrent refuses (destroyed meanwhile), or 0.</summary>
        public nint Destroyed { get; init; }

        /// <summary>Whether setting no context fails too (a driver shutting down).</summary>
        public bool RefuseNone { get; init; }

        public nint Get() => Current;

        public void Set(nint context)
        {
            if ((context != 0 && context == Destroyed) || (context == 0 && RefuseNone))
            {
                throw new InvalidOperationException("the driver's cuCtxSetCurrent failed with CUDA_ERROR_INVALID_CONTEXT");
            }

            Sets.Add(context);
            Current = context;
        }
    }
}
