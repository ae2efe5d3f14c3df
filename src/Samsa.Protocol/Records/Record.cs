namespace Samsa.Protocol.Records;

/// <summary>
/// One record of a batch, as slices of the (decompressed) records section
/// (protocol/docs/implementation.html, "Record"). Valid as long as those bytes are.
/// </summary>
/// <remarks>
/// Layout: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, key (varint length, -1 for
/// null), value (likewise), header count varint, headers (varint key length, UTF-8 key, varint value length, value).
/// </remarks>
public readonly ref struct Record
{
    private readonly ReadOnlySpan<byte> _headers;

    private Record(long offset, long timestamp, sbyte attributes, long timestampDelta, int offsetDelta,
        ReadOnlySpan<byte> key, bool isKeyNull, ReadOnlySpan<byte> value, bool isValueNull,
        int headerCount, ReadOnlySpan<byte> headers)
    {
        Offset = offset;
        Timestamp = timestamp;
        Attributes = attributes;
        TimestampDelta = timestampDelta;
        OffsetDelta = offsetDelta;
        Key = key;
        IsKeyNull = isKeyNull;
        Value = value;
        IsValueNull = isValueNull;
        HeaderCount = headerCount;
        _headers = headers;
    }

    /// <summary>The record's absolute offset: the batch's base offset plus <see cref="OffsetDelta"/>.</summary>
    public long Offset { get; }

    /// <summary>
    /// The record's timestamp: the batch's base timestamp plus <see cref="TimestampDelta"/>, or the batch's max
    /// timestamp when the batch carries log append time.
    /// </summary>
    public long Timestamp { get; }

    /// <summary>Unused by every version so far; kept as read.</summary>
    public sbyte Attributes { get; }

    public long TimestampDelta { get; }

    public int OffsetDelta { get; }

    /// <summary>The key's bytes; empty when <see cref="IsKeyNull"/>.</summary>
    public ReadOnlySpan<byte> Key { get; }

    public bool IsKeyNull { get; }

    /// <summary>The value's bytes; empty when <see cref="IsValueNull"/> (a tombstone).</summary>
    public ReadOnlySpan<byte> Value { get; }

    public bool IsValueNull { get; }

    public int HeaderCount { get; }

    /// <summary>The record's headers, in order.</summary>
    public RecordHeaderEnumerator Headers => new(_headers, HeaderCount);

    /// <summary>
    /// The <see cref="HeaderCount"/> headers as encoded, after the count: what a log cleaner copies when it re-encodes
    /// a record with a new timestamp delta.
    /// </summary>
    public ReadOnlySpan<byte> HeaderBytes => _headers;

    /// <summary>
    /// Parses one record body (what follows its length prefix). The body must be consumed exactly, as Kafka
    /// requires; every length is checked before it is used.
    /// </summary>
    internal static Record Parse(ReadOnlySpan<byte> body, long baseOffset, long baseTimestamp, long logAppendTime)
    {
        var reader = new SpanReader(body);
        sbyte attributes = reader.ReadInt8();
        long timestampDelta = reader.ReadVarLong();
        int offsetDelta = reader.ReadVarInt();
        ReadOnlySpan<byte> key = reader.ReadNullableBytes("record key", out bool isKeyNull);
        ReadOnlySpan<byte> value = reader.ReadNullableBytes("record value", out bool isValueNull);
        int headerCount = reader.ReadVarInt();
        // Each header takes at least two bytes (two lengths), so a larger count cannot be honest.
        if (headerCount < 0 || headerCount > reader.Remaining / 2)
            ThrowHelper.Malformed($"record header count {headerCount} is invalid with {reader.Remaining} bytes left");
        int headersStart = reader.Position;
        for (int i = 0; i < headerCount; i++)
        {
            int keyLength = reader.ReadVarInt();
            reader.ReadSpan(keyLength, "record header key");
            reader.ReadNullableBytes("record header value", out _);
        }
        if (reader.Remaining != 0)
            ThrowHelper.Malformed($"record has {reader.Remaining} bytes past its last header");
        long timestamp = logAppendTime != RecordBatchHeader.NoTimestamp
            ? logAppendTime
            : unchecked(baseTimestamp + timestampDelta);
        return new Record(unchecked(baseOffset + offsetDelta), timestamp, attributes, timestampDelta, offsetDelta,
            key, isKeyNull, value, isValueNull, headerCount, body[headersStart..]);
    }
}
