using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Samsa.Protocol.Compression;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Protocol.Records;

/// <summary>
/// Builds one record batch v2 in Kafka's exact byte format, for tests, tools and the broker's own writes to
/// internal topics (offsets, transaction markers). Records get consecutive offset deltas from 0 in the order
/// they are added.
/// </summary>
/// <remarks>
/// Not thread-safe. Allocates per record; the produce path never builds batches, it stores what clients send.
/// </remarks>
public sealed class RecordBatchBuilder
{
    private readonly List<PendingRecord> _records = [];

    /// <param name="compression">The codec of the records section.</param>
    public RecordBatchBuilder(CompressionType compression = CompressionType.None) => Compression = compression;

    public CompressionType Compression { get; set; }

    /// <summary>The codec's level (see <see cref="CompressionCodec.Compress"/>); null for its default.</summary>
    public int? CompressionLevel { get; set; }

    public long BaseOffset { get; set; }

    public int PartitionLeaderEpoch { get; set; } = RecordBatchHeader.NoPartitionLeaderEpoch;

    public long ProducerId { get; set; } = RecordBatchHeader.NoProducerId;

    public short ProducerEpoch { get; set; } = RecordBatchHeader.NoProducerEpoch;

    public int BaseSequence { get; set; } = RecordBatchHeader.NoSequence;

    public bool IsTransactional { get; set; }

    public bool IsControl { get; set; }

    /// <summary>When set, the batch carries log append time and this is its max timestamp.</summary>
    public long? LogAppendTime { get; set; }

    /// <summary>When set, the delete-horizon bit is set and this becomes the base timestamp.</summary>
    public long? DeleteHorizon { get; set; }

    /// <summary>Records added so far.</summary>
    public int Count => _records.Count;

    /// <summary>Adds a record; a null key or value is written as null (length -1), not as empty.</summary>
    public RecordBatchBuilder Add(byte[]? key, byte[]? value, long timestamp,
        IReadOnlyList<RecordHeader>? headers = null)
    {
        if (headers is not null)
        {
            foreach (RecordHeader header in headers)
                ArgumentNullException.ThrowIfNull(header.Key, nameof(headers));
        }
        _records.Add(new PendingRecord(key, value, timestamp, headers ?? []));
        return this;
    }

    /// <summary>
    /// Adds the control record that ends a transaction and marks the batch as a transactional control batch, as
    /// a transaction coordinator's marker is. Set <see cref="ProducerId"/> and <see cref="ProducerEpoch"/> too.
    /// </summary>
    public RecordBatchBuilder AddEndTransactionMarker(ControlRecordType type, int coordinatorEpoch, long timestamp)
    {
        if (type is not (ControlRecordType.Commit or ControlRecordType.Abort))
            throw new ArgumentOutOfRangeException(nameof(type), type, "a transaction ends with COMMIT or ABORT");
        IsControl = true;
        IsTransactional = true;
        return Add(ControlRecord.CreateKey(type), ControlRecord.CreateEndTransactionMarker(coordinatorEpoch),
            timestamp);
    }

    /// <summary>Forgets the records added so far; the header settings stay.</summary>
    public void Clear() => _records.Clear();

    /// <summary>The batch as a new array.</summary>
    public byte[] Build()
    {
        var output = new ArrayBufferWriter<byte>();
        WriteTo(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Appends the batch to <paramref name="destination"/>.</summary>
    /// <returns>The batch's size in bytes.</returns>
    public int WriteTo(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_records.Count == 0) throw new InvalidOperationException("a record batch needs at least one record");

        long baseTimestamp = DeleteHorizon ?? _records[0].Timestamp;
        long maxTimestamp = RecordBatchHeader.NoTimestamp;
        int recordsSize = 0;
        foreach (PendingRecord record in _records)
        {
            maxTimestamp = Math.Max(maxTimestamp, record.Timestamp);
            recordsSize = checked(recordsSize + record.SizeWithLength(baseTimestamp, offsetDelta: 0));
        }
        if (LogAppendTime is { } appendTime) maxTimestamp = appendTime;

        using var records = new PooledBufferWriter(recordsSize + (5 * _records.Count));
        for (int i = 0; i < _records.Count; i++)
            _records[i].Write(records, baseTimestamp, i);

        PooledBufferWriter? compressed = null;
        try
        {
            ReadOnlySpan<byte> payload = records.WrittenSpan;
            if (Compression != CompressionType.None)
            {
                compressed = new PooledBufferWriter(payload.Length / 2);
                CompressionCodec.Compress(Compression, payload, compressed, CompressionLevel);
                payload = compressed.WrittenSpan;
            }

            int size = checked(L.HeaderSize + payload.Length);
            Span<byte> batch = destination.GetSpan(size)[..size];
            BinaryPrimitives.WriteInt64BigEndian(batch[L.BaseOffset..], BaseOffset);
            BinaryPrimitives.WriteInt32BigEndian(batch[L.BatchLength..], size - L.LogOverhead);
            BinaryPrimitives.WriteInt32BigEndian(batch[L.PartitionLeaderEpoch..], PartitionLeaderEpoch);
            batch[L.Magic] = L.CurrentMagic;
            BinaryPrimitives.WriteInt16BigEndian(batch[L.Attributes..], Attributes());
            BinaryPrimitives.WriteInt32BigEndian(batch[L.LastOffsetDelta..], _records.Count - 1);
            BinaryPrimitives.WriteInt64BigEndian(batch[L.BaseTimestamp..], baseTimestamp);
            BinaryPrimitives.WriteInt64BigEndian(batch[L.MaxTimestamp..], maxTimestamp);
            BinaryPrimitives.WriteInt64BigEndian(batch[L.ProducerId..], ProducerId);
            BinaryPrimitives.WriteInt16BigEndian(batch[L.ProducerEpoch..], ProducerEpoch);
            BinaryPrimitives.WriteInt32BigEndian(batch[L.BaseSequence..], BaseSequence);
            BinaryPrimitives.WriteInt32BigEndian(batch[L.RecordCount..], _records.Count);
            payload.CopyTo(batch[L.HeaderSize..]);
            BinaryPrimitives.WriteUInt32BigEndian(batch[L.Crc..], Crc32C.Compute(batch[L.CrcStart..]));
            destination.Advance(size);
            return size;
        }
        finally
        {
            compressed?.Dispose();
        }
    }

    private short Attributes()
    {
        int attributes = (int)Compression & L.CompressionMask;
        if (LogAppendTime is not null) attributes |= L.TimestampTypeFlag;
        if (IsTransactional) attributes |= L.TransactionalFlag;
        if (IsControl) attributes |= L.ControlFlag;
        if (DeleteHorizon is not null) attributes |= L.DeleteHorizonFlag;
        return (short)attributes;
    }

    private sealed record PendingRecord(byte[]? Key, byte[]? Value, long Timestamp, IReadOnlyList<RecordHeader> Headers)
    {
        private int BodySize(long baseTimestamp, int offsetDelta)
        {
            int size = 1 + VarInt.SizeOf(unchecked(Timestamp - baseTimestamp)) + VarInt.SizeOf(offsetDelta) +
                BytesSize(Key) + BytesSize(Value) + VarInt.SizeOf(Headers.Count);
            foreach (RecordHeader header in Headers)
            {
                int keyLength = Encoding.UTF8.GetByteCount(header.Key);
                size += VarInt.SizeOf(keyLength) + keyLength + BytesSize(header.Value);
            }
            return size;
        }

        /// <summary>The record with its length prefix; offsetDelta 0 gives a lower bound for sizing.</summary>
        public int SizeWithLength(long baseTimestamp, int offsetDelta)
        {
            int body = BodySize(baseTimestamp, offsetDelta);
            return VarInt.SizeOf(body) + body;
        }

        public void Write(IBufferWriter<byte> output, long baseTimestamp, int offsetDelta)
        {
            var writer = new KafkaWriter(output);
            writer.WriteVarInt(BodySize(baseTimestamp, offsetDelta));
            writer.WriteInt8(0);
            writer.WriteVarLong(unchecked(Timestamp - baseTimestamp));
            writer.WriteVarInt(offsetDelta);
            WriteBytes(ref writer, Key);
            WriteBytes(ref writer, Value);
            writer.WriteVarInt(Headers.Count);
            foreach (RecordHeader header in Headers)
            {
                byte[] key = Encoding.UTF8.GetBytes(header.Key);
                writer.WriteVarInt(key.Length);
                writer.WriteRaw(key);
                WriteBytes(ref writer, header.Value);
            }
            writer.Flush();
        }

        private static int BytesSize(byte[]? bytes) =>
            bytes is null ? VarInt.SizeOf(-1) : VarInt.SizeOf(bytes.Length) + bytes.Length;

        private static void WriteBytes(ref KafkaWriter writer, byte[]? bytes)
        {
            if (bytes is null)
            {
                writer.WriteVarInt(-1);
                return;
            }
            writer.WriteVarInt(bytes.Length);
            writer.WriteRaw(bytes);
        }
    }
}
