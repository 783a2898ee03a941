using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Keras.Preprocessing.Memory.Gpu;

namespace Keras.Preprocessing.Memory.Tests.Gpu;

/// <summary>
/// ILGPU's CPU accelerator runs kernels as .NET code, so it would not notice code a GPU cannot run (a throw, a
/// managed array, an unsupported call). Compiling every kernel to PTX, which needs no GPU, does.
/// </summary>
[TestClass]
public sealed class GpuKernelCompilationTests
{
    private static readonly string[] Readers = ["UInt8Reader", "UInt16Reader", "Int16Reader", "Int32Reader", "Float32Reader", "Float64Reader"];

    private static readonly string[] Modes =
        ["ConstantMode", "NearestMode", "ReflectMode", "WrapMode", "MirrorMode", "GridWrapMode", "GridConstantMode"];

    private static readonly string[] PointSamplers = ["NearestSampler", "LinearSampler"];

    private static readonly string[] SplineSamplers = ["QuadraticSampler", "CubicSampler", "QuarticSampler", "QuinticSampler"];

    /// <summary>
    /// The warp for every source dtype (one mode, one sampler), every boundary mode and every order-0/1 sampler
    /// (one dtype), the spline warp for every mode (one order) and every order (one mode), then the other kernels.
    /// </summary>
    public static IEnumerable<object[]> Kernels =>
        Readers.Select(r => new object[] { $"{nameof(AugmentationKernels.Warp)}<{r},NearestMode,LinearSampler>" })
            .Concat(Modes.SelectMany(m => PointSamplers.Select(p => new object[] { $"{nameof(AugmentationKernels.Warp)}<UInt8Reader,{m},{p}>" })))
            .Concat(Modes.Select(m => new object[] { $"{nameof(SplineKernels)}.{nameof(SplineKernels.WarpSpline)}<Float32Reader,{m},CubicSampler>" }))
            .Concat(SplineSamplers.Select(o => new object[] { $"{nameof(SplineKernels)}.{nameof(SplineKernels.WarpSpline)}<UInt8Reader,ReflectMode,{o}>" }))
            .Concat(SplineSamplers.Select(o => new object[] { $"{nameof(SplineKernels)}.{nameof(SplineKernels.FilterLines)}<ReflectMode,{o}>" }))
            .Concat(
            [
                [$"{nameof(SplineKernels)}.{nameof(SplineKernels.Pad)}<UInt8Reader,NearestMode>"],
                [$"{nameof(SplineKernels)}.{nameof(SplineKernels.Pad)}<Float64Reader,GridConstantMode>"],
                [$"{nameof(SplineKernels)}.{nameof(SplineKernels.FilterLines)}<GridWrapMode,QuinticSampler>"],
                [$"{nameof(SplineKernels)}.{nameof(SplineKernels.FilterLines)}<MirrorMode,QuadraticSampler>"],
                [nameof(AugmentationKernels.ReduceStatistics)],
                [nameof(AugmentationKernels.CombineStatistics)],
                [nameof(AugmentationKernels.Finish)],
                [nameof(AugmentationKernels.Whiten)],
            ]);

    [TestMethod]
    [DynamicData(nameof(Kernels))]
    public void KernelCompilesToPtx(string kernel)
    {
        var method = Resolve(kernel);
        using var context = Context.Create(builder => builder.Cuda());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, null!); // no NVVM: ILGPU's own PTX generator
        var entry = kernel == nameof(AugmentationKernels.ReduceStatistics)
            ? EntryPointDescription.FromExplicitlyGroupedKernel(method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(method);

        var compiled = backend.Compile(entry, default(KernelSpecialization));

        var ptx = ((PTXCompiledKernel)compiled).PTXAssembly;
        StringAssert.Contains(ptx, ".entry", $"{kernel} produced no PTX entry point");
        AssertIeeeArithmetic(kernel, ptx);
        if (kernel.StartsWith(nameof(AugmentationKernels.Warp), StringComparison.Ordinal) || kernel.Contains(nameof(SplineKernels.WarpSpline), StringComparison.Ordinal))
        {
            // Taps.Compute's Math.Floor, compiled into the kernel rather than left out.
            StringAssert.Contains(ptx, "cvt.rmi", $"{kernel}: the shared tap math is missing from the PTX");
        }

        if (kernel.StartsWith(nameof(AugmentationKernels.Warp) + "<", StringComparison.Ordinal)
            && (kernel.Contains(",NearestMode,", StringComparison.Ordinal) || kernel.Contains(",GridConstantMode,", StringComparison.Ordinal)))
        {
            // FMA-proof coordinates: ptxas may fuse a mul.f64 feeding an add.f64, rounding scipy's (r'·m00 + c'·m01)
            // + offset differently at a tie. These modes fold nothing, so their kernels must multiply no two float64
            // values (the host rounds the coordinate's products); what is left is the noise extension's scaling by
            // the constant 2^-53, exact fused or not. The other modes' folding multiplies only whole numbers.
            var multiply = System.Text.RegularExpressions.Regex.Match(ptx, @"\b(mul|fma|mad)(\.r[nzmp])?\.f64\s+%fd\d+,\s*%fd\d+,\s*%fd\d+");
            Assert.IsFalse(
                multiply.Success,
                $"{kernel}: a float64 multiply in the warp kernel, which ptxas may fuse into the coordinate: ...{(multiply.Success ? ptx.Substring(Math.Max(0, multiply.Index - 600), 700) : string.Empty)}");
        }

        if (kernel == nameof(AugmentationKernels.ReduceStatistics))
        {
            // The per-element loop walks channels by additions (ChannelCursor): no 64-bit division or remainder,
            // which PTX has no instruction for (a long software routine per element).
            Assert.DoesNotContain("div.s64", ptx, "a 64-bit division in the statistics kernel");
            Assert.DoesNotContain("rem.s64", ptx, "a 64-bit remainder in the statistics kernel");
            Assert.DoesNotContain("div.u64", ptx, "a 64-bit division in the statistics kernel");
            Assert.DoesNotContain("rem.u64", ptx, "a 64-bit remainder in the statistics kernel");
        }
    }

    /// <summary>
    /// H200 and the other Hopper cards are sm_90: the kernels compile for it as ILGPU compiles them there (its
    /// capabilities, the PTX ISA of a CUDA 12 driver), with the same IEEE arithmetic as the sm_70 baseline above.
    /// </summary>
    [TestMethod]
    [DataRow("Warp<UInt8Reader,ReflectMode,LinearSampler>")]
    [DataRow("Warp<Float32Reader,ConstantMode,NearestSampler>")]
    [DataRow("SplineKernels.WarpSpline<UInt8Reader,MirrorMode,CubicSampler>")]
    [DataRow("SplineKernels.FilterLines<ReflectMode,QuinticSampler>")]
    [DataRow(nameof(AugmentationKernels.ReduceStatistics))]
    [DataRow(nameof(AugmentationKernels.CombineStatistics))]
    [DataRow(nameof(AugmentationKernels.Finish))]
    public void KernelCompilesForHopper(string kernel)
    {
        var method = Resolve(kernel);
        using var context = Context.Create(builder => builder.Cuda());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null);
        var entry = kernel == nameof(AugmentationKernels.ReduceStatistics)
            ? EntryPointDescription.FromExplicitlyGroupedKernel(method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(method);

        var ptx = ((PTXCompiledKernel)backend.Compile(entry, default(KernelSpecialization))).PTXAssembly;

        // ILGPU targets the lowest architecture with the device's capabilities (sm_80 for sm_90); the driver JITs it for sm_90.
        var target = new CudaCapabilityContext(CudaArchitecture.SM_90).TargetArchitecture;
        StringAssert.Contains(ptx, $".target {target.ToString().ToLowerInvariant()}", kernel);
        StringAssert.Contains(ptx, ".version 8.0", kernel);
        AssertIeeeArithmetic(kernel, ptx);
    }

    /// <summary>
    /// Division, square root and reciprocal rounded as IEEE (and as the CPU engine) does: no approximate
    /// instruction, no flush of subnormals to zero. ILGPU emits those only under fast math, which would move the
    /// GPU's results away from the CPU's by more than the fused multiply-adds docs/gpu.md allows for.
    /// </summary>
    private static void AssertIeeeArithmetic(string kernel, string ptx)
    {
        var approximate = System.Text.RegularExpressions.Regex.Match(ptx, @"\b\w+(\.\w+)*\.(approx|ftz)\b[^;]*;");
        Assert.IsFalse(approximate.Success, $"{kernel}: an approximate or flush-to-zero instruction: {approximate.Value}");
    }

    /// <summary>
    /// Arrays of these structs are copied byte for byte from the host (plans, coefficients) or read and written
    /// only by kernels: the device must see the fields where .NET put them. ILGPU lays structs out by its own
    /// rules, and the CPU accelerator, which runs the kernels as .NET code on the .NET layout, cannot show a
    /// difference: a shifted field would be garbage plans on a GPU only.
    /// </summary>
    [TestMethod]
    [DataRow(typeof(Memory.Execution.SamplePlan))]
    [DataRow(typeof(PixelMath.AffineCoefficients))]
    [DataRow(typeof(PixelMath.ImageExtremes))]
    [DataRow(typeof(StatisticsPartial))]
    public void DeviceArraysOfStructsHaveTheHostLayout(Type type)
    {
        var (host, device, hostSize, deviceSize) = Layouts(type);

        Assert.AreEqual(hostSize, deviceSize, $"{type.Name}: size");
        CollectionAssert.AreEqual(host, device, $"{type.Name}: host {string.Join(",", host)} device {string.Join(",", device)}");
    }

    /// <summary>The layout check sees a difference where there is one: ILGPU ignores <c>Pack</c>, .NET honours it.</summary>
    [TestMethod]
    public void TheLayoutCheckSeesAPackedStruct()
    {
        var (host, device, hostSize, deviceSize) = Layouts(typeof(Packed));

        CollectionAssert.AreEqual(new[] { (0, 1), (1, 8) }, host, "the double right after the byte on the host");
        CollectionAssert.AreNotEqual(host, device, "the device aligns the double to 8");
        Assert.AreEqual(9, hostSize);
        Assert.AreNotEqual(hostSize, deviceSize);
    }

    private static (List<(int Offset, int Size)> Host, List<(int Offset, int Size)> Device, int HostSize, int DeviceSize) Layouts(Type type)
    {
        using var context = Context.Create(builder => builder.Cuda());
        var node = ILGPU.IR.IRContextExtensions.GetIRTypeContext(context).CreateType(type);
        var device = new List<(int Offset, int Size)>();
        DeviceLeaves(node, 0, device);
        var host = new List<(int Offset, int Size)>();
        HostLeaves(type, type, [], host);
        int hostSize = (int)typeof(System.Runtime.CompilerServices.Unsafe).GetMethod(nameof(System.Runtime.CompilerServices.Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
        return ([.. host.Order()], [.. device.Order()], hostSize, node.Size);
    }

    private static void DeviceLeaves(ILGPU.IR.Types.TypeNode node, int offset, List<(int Offset, int Size)> leaves)
    {
        if (node is ILGPU.IR.Types.StructureType structure)
        {
            for (int i = 0; i < structure.NumFields; i++)
            {
                DeviceLeaves(structure.Fields[i], offset + structure.GetOffset(new ILGPU.IR.Values.FieldAccess(i)), leaves);
            }

            return;
        }

        leaves.Add((offset, node.Size));
    }

    /// <summary>Each primitive field's offset in .NET's layout of <paramref name="root"/>: set it alone to all ones and see which bytes change.</summary>
    private static void HostLeaves(Type root, Type type, List<FieldInfo> path, List<(int Offset, int Size)> leaves)
    {
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            path.Add(field);
            if (field.FieldType.IsPrimitive || field.FieldType.IsEnum)
            {
                var (offset, size) = ChangedBytes(root, path);
                leaves.Add((offset, size));
            }
            else
            {
                HostLeaves(root, field.FieldType, path, leaves);
            }

            path.RemoveAt(path.Count - 1);
        }
    }

    private static unsafe (int Offset, int Size) ChangedBytes(Type root, List<FieldInfo> path)
    {
        object boxed = Activator.CreateInstance(root)!;
        var leaf = path[^1];
        object ones = AllOnes(leaf.FieldType);
        if (path.Count == 1)
        {
            leaf.SetValue(boxed, ones);
        }
        else
        {
            leaf.SetValueDirect(TypedReference.MakeTypedReference(boxed, [.. path.Take(path.Count - 1)]), ones);
        }

        var handle = GCHandle.Alloc(boxed, GCHandleType.Pinned);
        try
        {
            int size = (int)typeof(System.Runtime.CompilerServices.Unsafe).GetMethod(nameof(System.Runtime.CompilerServices.Unsafe.SizeOf))!.MakeGenericMethod(root).Invoke(null, null)!;
            var bytes = new ReadOnlySpan<byte>((void*)handle.AddrOfPinnedObject(), size);
            int first = bytes.IndexOfAnyExcept((byte)0);
            int last = bytes.LastIndexOfAnyExcept((byte)0);
            return (first, last - first + 1);
        }
        finally
        {
            handle.Free();
        }
    }

    private static object AllOnes(Type type) => Type.GetTypeCode(type.IsEnum ? Enum.GetUnderlyingType(type) : type) switch
    {
        TypeCode.Double => BitConverter.Int64BitsToDouble(-1),
        TypeCode.Single => BitConverter.Int32BitsToSingle(-1),
        TypeCode.Int64 => -1L,
        TypeCode.UInt64 => ulong.MaxValue,
        TypeCode.Int32 => type.IsEnum ? Enum.ToObject(type, -1) : -1,
        TypeCode.UInt32 => uint.MaxValue,
        TypeCode.Int16 => (short)-1,
        TypeCode.UInt16 => ushort.MaxValue,
        TypeCode.Byte => byte.MaxValue,
        TypeCode.Boolean => true,
        var code => throw new NotSupportedException($"a {code} field"),
    };

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct Packed
    {
        public byte Flag;
        public double Value;
    }

    private static MethodInfo Resolve(string kernel)
    {
        int open = kernel.IndexOf('<');
        string name = open < 0 ? kernel : kernel[..open];
        var owner = typeof(AugmentationKernels);
        if (name.StartsWith(nameof(SplineKernels) + ".", StringComparison.Ordinal))
        {
            owner = typeof(SplineKernels);
            name = name[(nameof(SplineKernels).Length + 1)..];
        }

        var method = owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
        if (open < 0)
        {
            return method;
        }

        var assembly = typeof(AugmentationKernels).Assembly;
        var types = kernel[(open + 1)..^1].Split(',')
            .Select(t => assembly.GetType($"Keras.Preprocessing.Memory.Gpu.{t}") ?? assembly.GetType($"Keras.Preprocessing.Memory.PixelMath.{t}", throwOnError: true)!)
            .ToArray();
        return method.MakeGenericMethod(types);
    }
}
