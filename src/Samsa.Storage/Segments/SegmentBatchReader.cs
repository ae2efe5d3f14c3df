using System.Buffers;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Storage.Segments;

/// <summary>
/// Reads a segment's log batch by batch, whole batches with their bytes, validating each (framing, magic, CRC):
/// what recovery scans with and what a log cleaner iterates.
/// </summary>
/// <remarks>
/// Reads in 1 MiB chunks from a pooled buffer (a larger batch gets a larger one); a batch's span is valid until the
/// next <see cref="TryReadNext"/>. Not thread-safe; Dispose returns the buffer.
/// </remarks>
internal sealed class SegmentBatchReader : IDisposable
{
    private const int ChunkBytes = 1 << 20;

    private readonly LogFile _file;
    private readonly long _limit;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;

    public SegmentBatchReader(LogFile file, int position, long limit)
    {
        _file = file;
        _limit = limit;
        Position = position;
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(ChunkBytes, Math.Max(limit - position, L.HeaderSize)));
    }

    /// <summary>Where the next batch starts; after a false <see cref="TryReadNext"/>, the end of the valid
    /// bytes.</summary>
    public int Position { get; private set; }

    /// <summary>Why reading stopped before the limit: null at a clean end.</summary>
    public string? Problem { get; private set; }

    /// <summary>The next whole, valid batch, or false at the limit or at the first bytes that are not one.</summary>
    public bool TryReadNext(out ReadOnlySpan<byte> batch, out RecordBatchHeader header)
    {
        batch = default;
        header = default;
        long available = _limit - Position;
        if (available <= 0) return false;
        ReadOnlySpan<byte> start = Ensure(Position, (int)Math.Min(available, L.Magic + 1));
        int size = RecordBatchReader.NextBatchSize(start, available, out RecordsTail tail, currentMagicOnly: true);
        if (size < 0)
        {
            // Garbage, the zeros a crash can leave past the end, or a batch whose write was cut short.
            return Stop(tail == RecordsTail.Corrupt
                ? "no batch starts here"
                : $"a batch is cut off after {available} bytes");
        }
        batch = Ensure(Position, size);
        RecordBatchValidation validation = RecordBatch.TryValidate(batch, out header);
        if (validation != RecordBatchValidation.Ok)
            return Stop($"batch at offset {header.BaseOffset} is invalid: {validation}");
        Position += size;
        return true;
    }

    /// <summary>Stops the reader at its position with <paramref name="problem"/> (a caller's own check
    /// failed).</summary>
    public bool Stop(string problem)
    {
        Problem = problem;
        return false;
    }

    /// <summary>Steps back over the batch just returned, so that <see cref="Position"/> is where it starts.</summary>
    public void Unread(int size) => Position -= size;

    private ReadOnlySpan<byte> Ensure(long position, int length)
    {
        if (position < _bufferStart || position + length > _bufferStart + _bufferLength)
        {
            if (length > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(length);
            }
            int wanted = (int)Math.Min(_buffer.Length, _limit - position);
            _bufferLength = _file.Read(_buffer.AsSpan(0, wanted), position);
            _bufferStart = position;
        }
        int offset = (int)(position - _bufferStart);
        return _buffer.AsSpan(offset, Math.Min(length, _bufferLength - offset));
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
