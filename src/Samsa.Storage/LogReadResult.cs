using Microsoft.Win32.SafeHandles;

namespace Samsa.Storage;

/// <summary>
/// Stored batches returned by <see cref="PartitionLog.Read"/>, as a region of a segment file: the bytes exactly as
/// they were appended, never re-encoded. The network layer sends them with sendfile on
/// (<see cref="FileHandle"/>, <see cref="FilePosition"/>, <see cref="Length"/>), or copies them straight into its
/// output buffer with <see cref="CopyTo"/> (one pread, no staging array).
/// </summary>
/// <remarks>
/// The result holds a reference on its segment, so retention or truncation can delete the segment meanwhile and the
/// bytes stay readable (the file is unlinked but open). Dispose exactly once, after the last use of the handle; a
/// copy of the struct shares the one reference. Safe to use from any one thread at a time.
/// </remarks>
public readonly struct LogReadResult : IDisposable
{
    private readonly LogSegment? _segment;

    private LogReadResult(ReadStatus status, long logStartOffset, long logEndOffset, LogSegment? segment,
        SegmentRead read)
    {
        Status = status;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
        _segment = segment;
        FilePosition = read.Position;
        Length = read.Length;
        FirstOffset = segment is null ? -1 : read.FirstOffset;
    }

    public ReadStatus Status { get; }

    /// <summary>The log start offset when the read ran.</summary>
    public long LogStartOffset { get; }

    /// <summary>The log end offset when the read ran.</summary>
    public long LogEndOffset { get; }

    /// <summary>The base offset of the first returned batch (at or before the requested offset); -1 when
    /// empty.</summary>
    public long FirstOffset { get; }

    /// <summary>Bytes returned: whole batches only.</summary>
    public int Length { get; }

    public bool IsEmpty => Length == 0;

    /// <summary>The segment file's handle, valid until <see cref="Dispose"/>; null when empty.</summary>
    public SafeFileHandle? FileHandle => _segment?.Log.Handle;

    /// <summary>Where the bytes start in <see cref="FileHandle"/>'s file.</summary>
    public long FilePosition { get; }

    internal static LogReadResult Empty(long logStartOffset, long logEndOffset) =>
        new(ReadStatus.Ok, logStartOffset, logEndOffset, null, default);

    internal static LogReadResult Failed(ReadStatus status, long logStartOffset, long logEndOffset) =>
        new(status, logStartOffset, logEndOffset, null, default);

    /// <summary>Takes over <paramref name="segment"/>'s reference, which <see cref="Dispose"/> releases.</summary>
    internal static LogReadResult Region(long logStartOffset, long logEndOffset, LogSegment segment,
        SegmentRead read) => new(ReadStatus.Ok, logStartOffset, logEndOffset, segment, read);

    /// <summary>
    /// Copies the bytes into <paramref name="destination"/>, which must hold <see cref="Length"/> bytes.
    /// </summary>
    /// <exception cref="IOException">The device failed.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (_segment is null) return;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length, nameof(destination));
        int read = _segment.CopyTo(destination[..Length], FilePosition);
        if (read != Length) throw new IOException($"{_segment} ended {Length - read} bytes early");
    }

    /// <summary>The bytes as a new array (tests and tools; the fetch path uses <see cref="CopyTo"/>).</summary>
    public byte[] ToArray()
    {
        byte[] bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Releases the segment reference.</summary>
    public void Dispose() => _segment?.Release();
}
