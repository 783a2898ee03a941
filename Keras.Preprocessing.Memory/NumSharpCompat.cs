using System.Reflection;
using System.Runtime.CompilerServices;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// The few NumSharp members whose binary signature changed between NumSharp 0.70 (what the library compiles
/// against) and 0.81 (what NuGet resolves in a program that also references the newest NumSharp): 0.81 takes a
/// <c>DType</c> where 0.70 took an <see cref="NPTypeCode"/>, returns a <c>DType</c> from <c>NDArray.dtype</c>,
/// gives <c>np.dtype</c> and <c>astype</c> new parameter lists and drops the <c>Slice[]</c> indexer. A call
/// compiled against 0.70 then throws <see cref="MissingMethodException"/> on 0.81. Everything else the library
/// calls exists in both (CI checks the compiled references against both assemblies and runs a consumer on each).
/// </summary>
/// <remarks>
/// With the NumSharp the library was compiled against, each helper makes the direct call (in a method of its own,
/// so the JIT only resolves it when it is called); with another, it binds once by reflection to the member that
/// takes the new <c>DType</c>.
/// </remarks>
internal static class NumSharpCompat
{
    private static readonly bool Compiled =
        typeof(NDArray).GetConstructor([typeof(NPTypeCode), typeof(Shape), typeof(bool)]) is not null
        && typeof(NDArray).GetMethod("astype", [typeof(NPTypeCode), typeof(bool), typeof(char), typeof(string)]) is not null;

    private static readonly Lazy<Reflected> Bound = new(() => new Reflected());

    /// <summary><c>new NDArray(type, shape, fillZeros)</c>: NumSharp's pooled storage, zeroed or not.</summary>
    public static NDArray NewArray(NPTypeCode type, Shape shape, bool fillZeros = true) =>
        Compiled ? NewArrayDirect(type, shape, fillZeros) : Bound.Value.NewArray(type, shape, fillZeros);

    /// <summary>numpy's <c>a.astype(type)</c> (a copy, unsafe casting); <paramref name="contiguous"/> asks for C order.</summary>
    public static NDArray AsType(NDArray array, NPTypeCode type, bool contiguous = false) =>
        Compiled ? AsTypeDirect(array, type, contiguous) : Bound.Value.AsType(array, type, contiguous);

    /// <summary>numpy's <c>np.dtype(name)</c>, as a type code; throws for a name NumSharp does not know.</summary>
    public static NPTypeCode ParseDType(string name) =>
        Compiled ? ParseDTypeDirect(name) : Bound.Value.ParseDType(name);

    /// <summary>Row <paramref name="index"/> of <paramref name="array"/> (numpy's <c>a[i]</c>), a view.</summary>
    public static NDArray Row(NDArray array, int index) => array[new object[] { index }];

    /// <summary>The .NET element type of an array (what <c>NDArray.dtype</c> returned before 0.81).</summary>
    public static Type ClrType(NDArray array) => array.typecode switch
    {
        NPTypeCode.Boolean => typeof(bool),
        NPTypeCode.Byte => typeof(byte),
        NPTypeCode.Int16 => typeof(short),
        NPTypeCode.UInt16 => typeof(ushort),
        NPTypeCode.Int32 => typeof(int),
        NPTypeCode.UInt32 => typeof(uint),
        NPTypeCode.Int64 => typeof(long),
        NPTypeCode.UInt64 => typeof(ulong),
        NPTypeCode.Char => typeof(char),
        NPTypeCode.Single => typeof(float),
        NPTypeCode.Double => typeof(double),
        NPTypeCode.Decimal => typeof(decimal),
        NPTypeCode.String => typeof(string),
        NPTypeCode.Complex => typeof(System.Numerics.Complex),
        var other => throw new NotSupportedException($"NumSharp type code {other}"),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static NDArray NewArrayDirect(NPTypeCode type, Shape shape, bool fillZeros) => new(type, shape, fillZeros);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static NDArray AsTypeDirect(NDArray array, NPTypeCode type, bool contiguous) =>
        contiguous ? array.astype(type, true, 'C', "unsafe") : array.astype(type, true);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static NPTypeCode ParseDTypeDirect(string name) => np.dtype(name).typecode;

    /// <summary>The DType-taking members of a newer NumSharp, found once.</summary>
    private sealed class Reflected
    {
        private readonly MethodInfo _dtypeFrom;
        private readonly ConstructorInfo _ctor;
        private readonly MethodInfo _astype;
        private readonly MethodInfo _npDtype;
        private readonly Func<object, NPTypeCode> _typecode;

        public Reflected()
        {
            Assembly numsharp = typeof(NDArray).Assembly;
            Type dtype = numsharp.GetType("NumSharp.DType", throwOnError: true)!;
            _dtypeFrom = dtype.GetMethod("From", BindingFlags.Public | BindingFlags.Static, [typeof(NPTypeCode)])
                ?? Missing("DType.From(NPTypeCode)");
            _ctor = typeof(NDArray).GetConstructor([dtype, typeof(Shape), typeof(bool)]) ?? Missing<ConstructorInfo>("NDArray(DType, Shape, bool)");
            _astype = typeof(NDArray).GetMethods().FirstOrDefault(m => m.Name == "astype" && First(m) == dtype)
                ?? Missing("NDArray.astype(DType, ...)");
            _npDtype = typeof(np).GetMethods().FirstOrDefault(m => m.Name == "dtype" && First(m) == typeof(string))
                ?? Missing("np.dtype(string, ...)");
            // 0.81's DType answers GetTypeCode(); older ones had a typecode property.
            MethodInfo? getTypeCode = dtype.GetMethod("GetTypeCode", Type.EmptyTypes);
            PropertyInfo? typecode = dtype.GetProperty("typecode");
            _typecode = getTypeCode?.ReturnType == typeof(NPTypeCode) ? d => (NPTypeCode)getTypeCode.Invoke(d, null)!
                : typecode is not null ? d => (NPTypeCode)typecode.GetValue(d)!
                : Missing<Func<object, NPTypeCode>>("DType.GetTypeCode()");
        }

        public NDArray NewArray(NPTypeCode type, Shape shape, bool fillZeros) =>
            (NDArray)_ctor.Invoke([DType(type), shape, fillZeros]);

        public NDArray AsType(NDArray array, NPTypeCode type, bool contiguous) =>
            (NDArray)Call(_astype, array, DType(type), ("order", contiguous ? 'C' : 'K'), ("casting", "unsafe"), ("copy", true))!;

        public NPTypeCode ParseDType(string name) => _typecode(Call(_npDtype, null, name)!);

        private object DType(NPTypeCode type) => _dtypeFrom.Invoke(null, [type])!;

        // Fills the parameters after the first by name, the rest with their defaults.
        private static object? Call(MethodInfo method, object? target, object first, params (string Name, object Value)[] named)
        {
            ParameterInfo[] parameters = method.GetParameters();
            var args = new object?[parameters.Length];
            args[0] = first;
            for (int i = 1; i < parameters.Length; i++)
            {
                int match = Array.FindIndex(named, n => n.Name == parameters[i].Name);
                args[i] = match >= 0 ? named[match].Value : parameters[i].HasDefaultValue ? parameters[i].DefaultValue : Type.Missing;
            }

            try
            {
                return method.Invoke(target, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }

        private static Type? First(MethodInfo m) => m.GetParameters() is [var p, ..] ? p.ParameterType : null;

        private static MethodInfo Missing(string what) => Missing<MethodInfo>(what);

        private static T Missing<T>(string what) => throw new MissingMethodException(
            $"This NumSharp ({typeof(NDArray).Assembly.GetName().Version}) has neither NumSharp 0.70's nor 0.81's {what}; "
            + "KerasMemory supports NumSharp 0.70 to 0.81.");
    }
}
