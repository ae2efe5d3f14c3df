using System.Runtime.InteropServices;

namespace Samsa.Metadata.Log;

// Makes a directory's entries durable after a file was created in it. .NET will not open a directory as a file, so
// this goes to libc (as Samsa.Storage's FileSync does; that one is internal to Storage). Linux only: Windows journals
// names with the file, and other systems are not deployment targets.
internal static partial class DirectorySync
{
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC on Linux x64 and arm64

    /// <exception cref="IOException">The directory cannot be opened or synced.</exception>
    public static void Sync(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = Open(path, ReadOnlyCloseOnExec);
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

    private static IOException LastError(string call, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} of {path} failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
