namespace Samsa.Protocol.Records;

/// <summary>
/// The records of one batch, ready to read: a slice of the batch when it is uncompressed, otherwise a pooled
/// buffer holding the decompressed records, which <see cref="Dispose"/> returns. <c>foreach</c> over it yields
/// each <see cref="Record"/>.
/// </summary>
/// <remarks>Dispose exactly once, after the last use of any record read from it.</remarks>
public readonly ref struct RecordBatchContent
{
    private readonly PooledBufferWriter? _buffer;

    internal RecordBatchContent(RecordBatchHeader header, ReadOnlySpan<byte> records, PooledBufferWriter? buffer)
    {
        Header = header;
        Records = records;
        _buffer = buffer;
    }

    public RecordBatchHeader Header { get; }

    /// <summary>The records section, decompressed.</summary>
    public ReadOnlySpan<byte> Records { get; }

    public RecordReader GetEnumerator() => new(Header, Records);

    public void Dispose() => _buffer?.Dispose();
}
