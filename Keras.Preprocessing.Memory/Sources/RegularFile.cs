using System.Runtime.InteropServices;

namespace Keras.Preprocessing.Memory.Sources;

/// <summary>
/// Keras's <c>os.path.isfile</c>: only a regular file (after following links) is an image file. A FIFO, socket or
/// device named like an image is treated as missing and never opened: opening a FIFO blocks until a writer appears,
/// which hung validation forever. .NET's <see cref="File.Exists(string)"/> is true for all of them, so the file type
/// is read with stat(2) through the runtime's own native shim (the one <see cref="FileInfo"/> uses).
/// </summary>
internal static unsafe partial class RegularFile
{
    private const int TypeMask = 0xF000;    // S_IFMT
    private const int RegularType = 0x8000; // S_IFREG

    private static bool _shimMissing;

    /// <summary>Whether <paramref name="path"/> names an existing regular file.</summary>
    public static bool Exists(string? path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows() || _shimMissing)
        {
            return true; // no FIFOs in a Windows file system; File.Exists already excludes directories
        }

        try
        {
            // The runtime's FileStatus: int Flags, int Mode, ... (System.Native's pal_io.h); room to spare for the rest.
            byte* status = stackalloc byte[512];
            return Stat(path, status) == 0 && (((int*)status)[1] & TypeMask) == RegularType;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _shimMissing = true;
            return true;
        }
    }

    /// <summary>Throws <see cref="FileNotFoundException"/> (Keras's "No such file or directory") unless <paramref name="path"/> is a regular file.</summary>
    public static void Require(string path)
    {
        if (!Exists(path))
        {
            throw new FileNotFoundException(
                File.Exists(path)
                    ? $"Not a regular file (a FIFO, socket or device is never opened as an image): '{path}'"
                    : $"No such file or directory: '{path}'",
                path);
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, byte* output);
}
