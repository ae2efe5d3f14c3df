using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Samsa.Protocol.Compression;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Protocol.Records;

/// <summary>
/// The 61-byte header of a record batch v2, read into a value without allocating
/// (protocol/docs/implementation.html, "Record Batch").
/// </summary>
/// <remarks>
/// Reading does not validate: a header read from unchecked bytes may hold anything. Use
/// <see cref="RecordBatch.TryValidate(ReadOnlySpan{byte}, out RecordBatchHeader)"/> on untrusted input.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly struct RecordBatchHeader : IEquatable<RecordBatchHeader>
{
    /// <summary>No producer id: the batch is neither idempotent nor transactional.</summary>
    public const long NoProducerId = -1;

    /// <summary>No producer epoch or sequence.</summary>
    public const short NoProducerEpoch = -1;

    /// <summary>No sequence number.</summary>
    public const int NoSequence = -1;

    /// <summary>No partition leader epoch: what producers send before the broker stamps one.</summary>
    public const int NoPartitionLeaderEpoch = -1;

    /// <summary>No timestamp.</summary>
    public const long NoTimestamp = -1;

    private RecordBatchHeader(ReadOnlySpan<byte> header)
    {
        BaseOffset = BinaryPrimitives.ReadInt64BigEndian(header[L.BaseOffset..]);
        BatchLength = BinaryPrimitives.ReadInt32BigEndian(header[L.BatchLength..]);
        PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(header[L.PartitionLeaderEpoch..]);
        Magic = (sbyte)header[L.Magic];
        Crc = BinaryPrimitives.ReadUInt32BigEndian(header[L.Crc..]);
        Attributes = BinaryPrimitives.ReadInt16BigEndian(header[L.Attributes..]);
        LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(header[L.LastOffsetDelta..]);
        BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(header[L.BaseTimestamp..]);
        MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(header[L.MaxTimestamp..]);
        ProducerId = BinaryPrimitives.ReadInt64BigEndian(header[L.ProducerId..]);
        ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(header[L.ProducerEpoch..]);
        BaseSequence = BinaryPrimitives.ReadInt32BigEndian(header[L.BaseSequence..]);
        RecordCount = BinaryPrimitives.ReadInt32BigEndian(header[L.RecordCount..]);
    }

    public long BaseOffset { get; }

    /// <summary>Bytes after this field to the end of the batch: the batch's size less 12.</summary>
    public int BatchLength { get; }

    public int PartitionLeaderEpoch { get; }

    public sbyte Magic { get; }

    /// <summary>The stored CRC-32C of attributes through the end of the batch.</summary>
    public uint Crc { get; }

    public short Attributes { get; }

    public int LastOffsetDelta { get; }

    /// <summary>The first record's timestamp, or the delete horizon when <see cref="HasDeleteHorizon"/>.</summary>
    public long BaseTimestamp { get; }

    public long MaxTimestamp { get; }

    public long ProducerId { get; }

    public short ProducerEpoch { get; }

    public int BaseSequence { get; }

    public int RecordCount { get; }

    public CompressionType Compression => (CompressionType)(Attributes & L.CompressionMask);

    public TimestampType TimestampType =>
        (Attributes & L.TimestampTypeFlag) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    public bool IsTransactional => (Attributes & L.TransactionalFlag) != 0;

    /// <summary>The batch holds one control record (a transaction marker or a KRaft control record).</summary>
    public bool IsControl => (Attributes & L.ControlFlag) != 0;

    /// <summary>Compaction set <see cref="BaseTimestamp"/> to the time the batch's tombstones may be removed.</summary>
    public bool HasDeleteHorizon => (Attributes & L.DeleteHorizonFlag) != 0;

    public bool HasProducerId => ProducerId > NoProducerId;

    /// <summary>The whole batch's size in bytes, header included.</summary>
    public int SizeInBytes => BatchLength + L.LogOverhead;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    public long NextOffset => LastOffset + 1;

    /// <summary>
    /// The last record's sequence number, wrapping past <see cref="int.MaxValue"/> to 0 as producers do.
    /// </summary>
    public int LastSequence
    {
        get
        {
            if (BaseSequence == NoSequence) return NoSequence;
            long last = (long)BaseSequence + LastOffsetDelta;
            return (int)(last > int.MaxValue ? last - int.MaxValue - 1 : last);
        }
    }

    /// <summary>Reads the header at the start of <paramref name="batch"/>.</summary>
    /// <exception cref="ProtocolException">Fewer than 61 bytes.</exception>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < L.HeaderSize) ThrowHelper.Truncated(L.HeaderSize, batch.Length);
        return new RecordBatchHeader(batch);
    }

    /// <summary>
    /// Reads the header at the start of <paramref name="batch"/>; false when it has fewer than 61 bytes.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> batch, out RecordBatchHeader header)
    {
        if (batch.Length < L.HeaderSize)
        {
            header = default;
            return false;
        }
        header = new RecordBatchHeader(batch);
        return true;
    }

    /// <summary>Reads the header at the start of <paramref name="batch"/>, which may span segments.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> batch, out RecordBatchHeader header)
    {
        if (batch.FirstSpan.Length >= L.HeaderSize) return TryRead(batch.FirstSpan, out header);
        if (batch.Length < L.HeaderSize)
        {
            header = default;
            return false;
        }
        Span<byte> copy = stackalloc byte[L.HeaderSize];
        batch.Slice(0, L.HeaderSize).CopyTo(copy);
        header = new RecordBatchHeader(copy);
        return true;
    }

    public bool Equals(RecordBatchHeader other) =>
        BaseOffset == other.BaseOffset && BatchLength == other.BatchLength &&
        PartitionLeaderEpoch == other.PartitionLeaderEpoch && Magic == other.Magic && Crc == other.Crc &&
        Attributes == other.Attributes && LastOffsetDelta == other.LastOffsetDelta &&
        BaseTimestamp == other.BaseTimestamp && MaxTimestamp == other.MaxTimestamp &&
        ProducerId == other.ProducerId && ProducerEpoch == other.ProducerEpoch &&
        BaseSequence == other.BaseSequence && RecordCount == other.RecordCount;

    public override bool Equals(object? obj) => obj is RecordBatchHeader other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(BaseOffset, BatchLength, Crc, PartitionLeaderEpoch);

    public static bool operator ==(RecordBatchHeader left, RecordBatchHeader right) => left.Equals(right);

    public static bool operator !=(RecordBatchHeader left, RecordBatchHeader right) => !left.Equals(right);

    public override string ToString() =>
        $"RecordBatch(baseOffset={BaseOffset}, lastOffset={LastOffset}, size={SizeInBytes}, count={RecordCount}, " +
        $"epoch={PartitionLeaderEpoch}, compression={Compression}, timestampType={TimestampType}, " +
        $"maxTimestamp={MaxTimestamp}, producerId={ProducerId}, producerEpoch={ProducerEpoch}, " +
        $"baseSequence={BaseSequence}, transactional={IsTransactional}, control={IsControl})";
}
