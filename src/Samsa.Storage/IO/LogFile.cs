using Microsoft.Win32.SafeHandles;

namespace Samsa.Storage.IO;

/// <summary>
/// One open file of a segment (<c>.log</c>, <c>.index</c> or <c>.timeindex</c>): positional reads and writes on a
/// handle, so any number of readers and one writer share it without a file pointer.
/// </summary>
/// <remarks>
/// Thread-safe for concurrent reads and one writer. Every write passes the optional <see cref="IStorageFaults"/>
/// hook. The handle is opened with <see cref="FileShare.Delete"/> so a segment can be deleted while readers still
/// hold it; its bytes stay readable until the last handle closes.
/// </remarks>
internal sealed class LogFile : IDisposable
{
    /// <summary>errno for a full disk: the IOException's HResult on Unix.</summary>
    internal const int NoSpaceLeft = 28;

    /// <summary>errno for an exhausted disk quota.</summary>
    internal const int QuotaExceeded = 122;

    private readonly IStorageFaults? _faults;

    private LogFile(string path, SafeFileHandle handle, IStorageFaults? faults)
    {
        Path = path;
        Handle = handle;
        _faults = faults;
    }

    public string Path { get; private set; }

    public SafeFileHandle Handle { get; }

    public long Length => RandomAccess.GetLength(Handle);

    /// <summary>Opens or creates <paramref name="path"/> for reading and writing.</summary>
    public static LogFile Open(string path, FileMode mode, IStorageFaults? faults) =>
        new(path, File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete), faults);

    /// <summary>True when <paramref name="exception"/> says the disk (or the user's quota) is full.</summary>
    public static bool IsDiskFull(IOException exception) =>
        exception.HResult is NoSpaceLeft or QuotaExceeded || (exception.HResult & 0xFFFF) is 0x70 or 0x27;

    public void Write(ReadOnlySpan<byte> data, long position)
    {
        if (_faults is not null)
        {
            int allowed = _faults.OnWrite(Path, position, data.Length);
            if (allowed < data.Length)
            {
                if (allowed > 0) RandomAccess.Write(Handle, data[..allowed], position);
                throw new IOException($"No space left on device (injected) : '{Path}'", NoSpaceLeft);
            }
        }
        RandomAccess.Write(Handle, data, position);
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the file ends; returns the bytes read.</summary>
    public int Read(Span<byte> destination, long position)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = RandomAccess.Read(Handle, destination[total..], position + total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    /// <summary>Cuts the file to <paramref name="length"/> bytes (or extends it with zeros).</summary>
    public void SetLength(long length) => RandomAccess.SetLength(Handle, length);

    /// <summary>fdatasync: the file's bytes and size reach the disk.</summary>
    public void Sync()
    {
        _faults?.OnSync(Path);
        FileSync.DataSync(Handle, Path);
    }

    /// <summary>Renames the open file; its handle stays valid.</summary>
    public void MoveTo(string path)
    {
        File.Move(Path, path, overwrite: true);
        Path = path;
    }

    public void Dispose() => Handle.Dispose();
}
