namespace Samsa.Protocol.Records;

/// <summary>
/// Reads the records of one batch from its records section (decompressed if the batch is compressed);
/// <c>foreach</c> works on it directly.
/// </summary>
/// <remarks>
/// Malformed input raises <see cref="ProtocolException"/> and nothing else: a record count the bytes cannot
/// hold, a length past the end, a record whose fields do not fill it exactly, bytes after the last record.
/// </remarks>
public ref struct RecordReader
{
    private ReadOnlySpan<byte> _remaining;
    private int _left;
    private readonly long _baseOffset;
    private readonly long _baseTimestamp;
    private readonly long _logAppendTime;

    /// <param name="header">The batch's header, for the record count and the offsets and timestamps.</param>
    /// <param name="records">The records section: what follows the header, decompressed.</param>
    public RecordReader(RecordBatchHeader header, ReadOnlySpan<byte> records)
    {
        if (header.RecordCount < 0) ThrowHelper.Malformed($"record count {header.RecordCount} is negative");
        _remaining = records;
        _left = header.RecordCount;
        _baseOffset = header.BaseOffset;
        _baseTimestamp = header.BaseTimestamp;
        _logAppendTime = header.TimestampType == TimestampType.LogAppendTime
            ? header.MaxTimestamp
            : RecordBatchHeader.NoTimestamp;
        Current = default;
    }

    /// <summary>Records not yet read.</summary>
    public readonly int RecordsLeft => _left;

    public Record Current { get; private set; }

    public readonly RecordReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_left == 0)
        {
            if (!_remaining.IsEmpty)
                ThrowHelper.Malformed($"{_remaining.Length} bytes follow the batch's last record");
            return false;
        }
        var reader = new SpanReader(_remaining);
        int length = reader.ReadVarInt();
        ReadOnlySpan<byte> body = reader.ReadSpan(length, "record");
        _remaining = _remaining[reader.Position..];
        Current = Record.Parse(body, _baseOffset, _baseTimestamp, _logAppendTime);
        _left--;
        return true;
    }
}
