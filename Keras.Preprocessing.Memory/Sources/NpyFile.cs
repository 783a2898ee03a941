using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using NumSharp;

namespace Keras.Preprocessing.Memory;

/// <summary>
/// <c>np.load(path, mmap_mode=...)</c> for image datasets, with numpy's checks that NumSharp 0.70 lacks: a
/// <c>.npy</c> file shorter than its header promises is refused ("mmap length is greater than file size", numpy's
/// words) instead of being mapped and then read past its end, and NumSharp's errors for a file that is not a
/// <c>.npy</c> or an unsupported <c>mmap_mode</c> are reported as what the caller did wrong.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>
    /// Loads a <c>.npy</c> file (numpy's <c>np.load</c>): memory-mapped when <paramref name="mmap_mode"/> is
    /// <c>"r"</c>, <c>"r+"</c> or <c>"c"</c>, read into memory when it is null.
    /// </summary>
    /// <param name="path">The <c>.npy</c> file.</param>
    /// <param name="mmap_mode">numpy's <c>mmap_mode</c>: null, <c>"r"</c> (the default here: read-only, nothing read yet), <c>"r+"</c> or <c>"c"</c>.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ArgumentException">The file is not a <c>.npy</c>, is shorter than its header promises, or <paramref name="mmap_mode"/> is not supported.</exception>
    public static NDArray load(string path, string? mmap_mode = "r")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (mmap_mode is not (null or "r" or "readonly" or "r+" or "readwrite" or "c" or "copyonwrite"))
        {
            throw new ArgumentException(
                $"mmap_mode should be null (read into memory), \"r\" (read-only map), \"r+\" (read-write map) or \"c\" (copy-on-write map). Received: \"{mmap_mode}\"",
                nameof(mmap_mode));
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file or directory: '{path}'", path);
        }

        var header = ReadHeader(path);
        if (mmap_mode is not null && header.DataBytes is long data && header.DataOffset + data > new FileInfo(path).Length)
        {
            throw ShortFile(path, header.DataOffset + data, new FileInfo(path).Length, nameof(path));
        }

        try
        {
            return (NDArray)np.load(path, mmap_mode: mmap_mode switch { "readonly" => "r", "readwrite" => "r+", "copyonwrite" => "c", _ => mmap_mode });
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or NotSupportedException or ValueError or NumSharpException)
        {
            throw new ArgumentException($"'{path}' cannot be loaded{(mmap_mode is null ? string.Empty : $" with mmap_mode=\"{mmap_mode}\"")}: {e.Message}", nameof(path), e);
        }
    }

    /// <summary>
    /// Throws when <paramref name="path"/> is a <c>.npy</c> shorter than its header promises (what numpy refuses to
    /// map). For callers that map files themselves (the CLI, NumSharp's <c>np.load</c> users).
    /// </summary>
    internal static void CheckLength(string path, string parameterName)
    {
        var header = ReadHeader(path, parameterName);
        long length = new FileInfo(path).Length;
        if (header.DataBytes is long data && header.DataOffset + data > length)
        {
            throw ShortFile(path, header.DataOffset + data, length, parameterName);
        }
    }

    private static ArgumentException ShortFile(string path, long promised, long actual, string parameterName) => new(
        $"mmap length is greater than file size: '{path}' is {actual} bytes but its .npy header promises {promised} " +
        "(a truncated or still-being-written file). Recreate it; mapping it would read past its end.",
        parameterName);

    /// <summary>The data offset and, when the dtype has a fixed item size, the number of data bytes the header promises.</summary>
    private static (long DataOffset, long? DataBytes) ReadHeader(string path, string parameterName = "path")
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> prefix = stackalloc byte[12];
        int read = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (read < 10 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new ArgumentException(
                $"'{path}' is not a .npy file (it does not start with numpy's magic \"\\x93NUMPY\"). Save arrays with np.save; " +
                "pickles, .npz archives and raw bytes cannot be memory-mapped.",
                parameterName);
        }

        int major = prefix[6];
        long headerLength = major == 1 ? BitConverter.ToUInt16(prefix[8..10]) : read >= 12 ? BitConverter.ToUInt32(prefix[8..12]) : -1;
        long dataOffset = (major == 1 ? 10 : 12) + headerLength;
        if (major is < 1 or > 3 || headerLength < 0 || dataOffset > stream.Length || headerLength > 1 << 20)
        {
            throw new ArgumentException($"'{path}' has a damaged .npy header (version {major}, header length {headerLength}).", parameterName);
        }

        var text = new byte[headerLength];
        stream.Position = major == 1 ? 10 : 12;
        stream.ReadExactly(text);
        string dict = Encoding.Latin1.GetString(text);
        var descr = DescrPattern().Match(dict);
        var shape = ShapePattern().Match(dict);
        if (!descr.Success || !shape.Success || ItemSize(descr.Groups[1].Value) is not int itemSize)
        {
            return (dataOffset, null); // structured or object dtypes: NumSharp reports them
        }

        long elements = 1;
        foreach (var part in shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out long dim))
            {
                return (dataOffset, null);
            }

            elements = dim == 0 ? 0 : elements > long.MaxValue / dim ? long.MaxValue / itemSize : elements * dim;
        }

        return (dataOffset, elements > long.MaxValue / itemSize ? long.MaxValue : elements * itemSize);
    }

    private static int? ItemSize(string descr)
    {
        var m = ItemPattern().Match(descr);
        if (!m.Success || !int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return null;
        }

        return m.Groups[1].Value == "U" ? n * 4 : m.Groups[1].Value is "O" or "V" ? null : n;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    [GeneratedRegex(@"^[<>|=]?([a-zA-Z])(\d+)$")]
    private static partial Regex ItemPattern();

    /// <summary>
    /// Refuses an array NumSharp memory-mapped from a file shorter than its header promised: flow would read past
    /// the mapping (an access violation, or bytes of unrelated memory). NumSharp does not say which file backs an
    /// array, so the mapping is found through its storage: the view's end must cover the whole memory block.
    /// Arrays that are not mapped, and NumSharp builds laid out differently, pass unchecked.
    /// </summary>
    internal static unsafe void CheckMapped(NDArray x, string parameterName)
    {
        if (x.size == 0 || FindMapping(x) is not { } mapping)
        {
            return;
        }

        var handle = mapping.View.SafeMemoryMappedViewHandle;
        long viewStart = handle.DangerousGetHandle() + mapping.View.PointerOffset;
        long viewEnd = viewStart + mapping.View.Capacity;
        long blockEnd = mapping.BlockAddress + mapping.BlockBytes;
        if (mapping.BlockAddress >= viewStart && blockEnd > viewEnd)
        {
            throw new ArgumentException(
                $"`{parameterName}` is memory-mapped from a .npy file shorter than its header promises (mmap length is greater " +
                $"than file size: the data needs {mapping.BlockBytes} bytes, the file holds {Math.Max(0, viewEnd - mapping.BlockAddress)}). " +
                "Reading it would go past the end of the mapping. Recreate the file, or load it with NpyFile.load, which checks.",
                parameterName);
        }
    }

    private sealed record Mapping(MemoryMappedViewAccessor View, long BlockAddress, long BlockBytes);

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Best effort: a trimmed NumSharp without these fields is simply not checked.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Best effort, as above.")]
    private static unsafe Mapping? FindMapping(NDArray x)
    {
        try
        {
            // A short walk over NumSharp's own objects: NDArray → storage → array slice → memory block → its disposer,
            // whose callback captured the MemoryMappedViewAccessor. The memory block gives the promised extent.
            var numSharp = typeof(NDArray).Assembly;
            if (!MaybeForeign(x))
            {
                return null; // owned memory (NumSharp's OWNDATA): nothing mapped to check, and no walk on the hot path
            }

            var pending = new Queue<(object Value, int Depth, long Address, long Bytes)>();
            var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
            pending.Enqueue((x, 0, 0, 0));
            int visited = 0;
            while (pending.Count > 0 && visited++ < 256)
            {
                var (value, depth, address, bytes) = pending.Dequeue();
                var type = value.GetType();
                if (type.Name.StartsWith("UnmanagedMemoryBlock", StringComparison.Ordinal))
                {
                    (address, bytes) = BlockExtent(value, type, address, bytes);
                }

                for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
                {
                    foreach (var field in FieldsOf(t))
                    {
                        if (field.FieldType.IsPointer || field.FieldType.IsPrimitive || field.FieldType == typeof(string))
                        {
                            continue;
                        }

                        object? child = field.GetValue(value);
                        if (child is MemoryMappedViewAccessor view)
                        {
                            return bytes > 0 ? new Mapping(view, address, bytes) : null;
                        }

                        if (child is Delegate d)
                        {
                            child = d.Target;
                        }

                        if (child is null || depth >= 8 || child.GetType().Assembly != numSharp || child is Type)
                        {
                            continue;
                        }

                        if (!child.GetType().IsValueType && !seen.Add(child))
                        {
                            continue;
                        }

                        pending.Enqueue((child, depth + 1, address, bytes));
                    }
                }
            }
        }
        catch (Exception e) when (e is MemberAccessException or TargetException or NotSupportedException or InvalidOperationException)
        {
            // A NumSharp laid out differently: nothing to check against.
        }

        return null;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, FieldInfo[]> Fields = new();

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Best effort, as above.")]
    private static FieldInfo[] FieldsOf(Type type) => Fields.GetOrAdd(
        type, t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));

    /// <summary>
    /// False when NumSharp says the array's storage owns its memory (not a view, not foreign memory such as a
    /// mapping); true when it does not, or when that cannot be read.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Best effort, as above.")]
    private static bool MaybeForeign(NDArray x)
    {
        const BindingFlags any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        object? storage = typeof(NDArray).GetField("Storage", any)?.GetValue(x);
        if (storage?.GetType().GetProperty("OwnsData", any)?.GetValue(storage) is bool owns)
        {
            return !owns;
        }

        return true;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Best effort, as above.")]
    private static unsafe (long Address, long Bytes) BlockExtent(object block, Type type, long address, long bytes)
    {
        const BindingFlags any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        object? a = (object?)type.GetField("Address", any) ?? type.GetProperty("Address", any);
        object? n = (object?)type.GetField("BytesCount", any) ?? type.GetProperty("BytesCount", any);
        object? pointer = a switch { FieldInfo f => f.GetValue(block), PropertyInfo p => p.GetValue(block), _ => null };
        object? count = n switch { FieldInfo f => f.GetValue(block), PropertyInfo p => p.GetValue(block), _ => null };
        if (pointer is Pointer boxed && count is long length)
        {
            return ((long)Pointer.Unbox(boxed), length);
        }

        return (address, bytes);
    }
}
