using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Storage.Segments;

/// <summary>
/// Walks the batch headers of a segment's log from a position up to a limit without reading the batches' bodies.
/// Headers are read through a caller-supplied chunk, so a run of small batches costs one pread.
/// </summary>
/// <remarks>
/// Checks framing only (length, magic, offsets within the segment); the CRC is recovery's job. Stops at the first
/// header that is not a batch and says why.
/// </remarks>
internal ref struct BatchWalker
{
    private readonly LogFile _file;
    private readonly long _baseOffset;
    private readonly int _limit;
    private readonly Span<byte> _chunk;
    private long _chunkStart;
    private int _chunkLength;

    public BatchWalker(LogFile file, long baseOffset, int position, int limit, Span<byte> chunk)
    {
        _file = file;
        _baseOffset = baseOffset;
        _limit = limit;
        _chunk = chunk;
        _chunkStart = -1;
        _chunkLength = 0;
        Position = position;
        Current = default;
        Tail = RecordsTail.None;
    }

    /// <summary>Where <see cref="Current"/> starts; after a false <see cref="MoveNext"/>, where the walk
    /// stopped.</summary>
    public int Position { get; private set; }

    public RecordBatchHeader Current { get; private set; }

    /// <summary>Why the walk stopped: <see cref="RecordsTail.None"/> at the limit.</summary>
    public RecordsTail Tail { get; private set; }

    /// <summary>Reads the header at <see cref="Position"/>; call <see cref="Advance"/> to step over its
    /// batch.</summary>
    public bool MoveNext()
    {
        int remaining = _limit - Position;
        ReadOnlySpan<byte> header = remaining >= L.HeaderSize ? HeaderAt(Position) : default;
        int size = RecordBatchReader.NextBatchSize(header, remaining, out RecordsTail tail, currentMagicOnly: true);
        if (size < 0 || header.IsEmpty)
        {
            // A short read of a header the limit says is there: the file shrank under us, as a torn tail would.
            Tail = size < 0 ? tail : RecordsTail.Partial;
            return false;
        }
        RecordBatchHeader current = RecordBatchHeader.Read(header);
        if (current.BaseOffset < _baseOffset || current.LastOffsetDelta < 0 ||
            current.LastOffset - _baseOffset > int.MaxValue)
        {
            Tail = RecordsTail.Corrupt;
            return false;
        }
        Current = current;
        return true;
    }

    public void Advance() => Position += Current.SizeInBytes;

    private ReadOnlySpan<byte> HeaderAt(int position)
    {
        if (_chunkStart < 0 || position < _chunkStart || position + L.HeaderSize > _chunkStart + _chunkLength)
        {
            int length = (int)Math.Min(_chunk.Length, (long)_limit - position);
            _chunkLength = _file.Read(_chunk[..length], position);
            _chunkStart = position;
            if (_chunkLength < L.HeaderSize) return default;
        }
        return _chunk.Slice((int)(position - _chunkStart), L.HeaderSize);
    }
}
