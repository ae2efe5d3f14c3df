using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Primitives;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Storage.Compaction;

// Rebuilding a batch the cleaner keeps only part of, as Kafka's MemoryRecords.filterTo does: the same base offset,
// last offset delta (so the producer's last sequence survives), partition leader epoch, producer id, epoch, base
// sequence, timestamp type, transactional and control bits, and codec; the records kept are re-encoded with their
// own offsets and timestamps. Only the base timestamp can change: the first kept record's timestamp, or the delete
// horizon when the cleaner sets one (KIP-534), with each record's timestamp delta re-based on it.
/// <summary>Writes cleaned batches: rebuilt from kept records, or emptied to their header.</summary>
internal static class BatchRewriter
{
    /// <summary>
    /// Appends a batch holding the records of <paramref name="records"/> whose flag in <paramref name="kept"/> is set.
    /// </summary>
    /// <param name="output">Receives the batch.</param>
    /// <param name="header">The original batch's header.</param>
    /// <param name="records">The original batch's records section, decompressed.</param>
    /// <param name="kept">One flag per record, in order.</param>
    /// <param name="deleteHorizon">The delete horizon to carry (sets the attribute bit), or -1 for none.</param>
    /// <param name="scratch">A buffer for the uncompressed records, cleared here.</param>
    public static void WriteKept(CleanerBuffer output, in RecordBatchHeader header, ReadOnlySpan<byte> records,
        ReadOnlySpan<bool> kept, long deleteHorizon, CleanerBuffer scratch)
    {
        long baseTimestamp = deleteHorizon;
        long maxTimestamp = RecordBatchHeader.NoTimestamp;
        int count = 0;
        int index = 0;
        foreach (Record record in new RecordReader(header, records))
        {
            if (kept[index++])
            {
                long timestamp = unchecked(header.BaseTimestamp + record.TimestampDelta);
                if (count++ == 0 && deleteHorizon < 0) baseTimestamp = timestamp;
                maxTimestamp = Math.Max(maxTimestamp, timestamp);
            }
        }
        if (header.TimestampType == TimestampType.LogAppendTime) maxTimestamp = header.MaxTimestamp;

        scratch.Clear();
        var writer = new KafkaWriter(scratch);
        index = 0;
        foreach (Record record in new RecordReader(header, records))
        {
            if (!kept[index++]) continue;
            long timestampDelta = unchecked(header.BaseTimestamp + record.TimestampDelta - baseTimestamp);
            int bodySize = 1 + VarInt.SizeOf(timestampDelta) + VarInt.SizeOf(record.OffsetDelta) +
                BytesSize(record.Key, record.IsKeyNull) + BytesSize(record.Value, record.IsValueNull) +
                VarInt.SizeOf(record.HeaderCount) + record.HeaderBytes.Length;
            writer.WriteVarInt(bodySize);
            writer.WriteInt8(record.Attributes);
            writer.WriteVarLong(timestampDelta);
            writer.WriteVarInt(record.OffsetDelta);
            WriteBytes(ref writer, record.Key, record.IsKeyNull);
            WriteBytes(ref writer, record.Value, record.IsValueNull);
            writer.WriteVarInt(record.HeaderCount);
            writer.WriteRaw(record.HeaderBytes);
        }
        writer.Flush();

        int start = output.WrittenCount;
        output.GetSpan(L.HeaderSize);
        output.Advance(L.HeaderSize);
        CompressionCodec.Compress(header.Compression, scratch.WrittenSpan, output);
        short attributes = header.Attributes;
        attributes = deleteHorizon >= 0
            ? (short)(attributes | L.DeleteHorizonFlag)
            : (short)(attributes & ~L.DeleteHorizonFlag);
        WriteHeader(output.WrittenSpan[start..], header, attributes, baseTimestamp, maxTimestamp, count);
    }

    /// <summary>
    /// Appends the batch emptied of its records (Kafka's writeEmptyHeader): offsets, producer fields and max
    /// timestamp kept, no codec, no delete horizon. It keeps a producer's last sequence, or a group's last offset.
    /// </summary>
    public static void WriteEmpty(CleanerBuffer output, in RecordBatchHeader header)
    {
        int start = output.WrittenCount;
        output.GetSpan(L.HeaderSize);
        output.Advance(L.HeaderSize);
        short attributes = (short)(header.Attributes & (L.TimestampTypeFlag | L.TransactionalFlag | L.ControlFlag));
        WriteHeader(output.WrittenSpan[start..], header, attributes, header.MaxTimestamp, header.MaxTimestamp, 0);
    }

    private static void WriteHeader(Span<byte> batch, in RecordBatchHeader header, short attributes,
        long baseTimestamp, long maxTimestamp, int recordCount)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch[L.BaseOffset..], header.BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[L.BatchLength..], batch.Length - L.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[L.PartitionLeaderEpoch..], header.PartitionLeaderEpoch);
        batch[L.Magic] = L.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[L.Attributes..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[L.LastOffsetDelta..], header.LastOffsetDelta);
        BinaryPrimitives.WriteInt64BigEndian(batch[L.BaseTimestamp..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[L.MaxTimestamp..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[L.ProducerId..], header.ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[L.ProducerEpoch..], header.ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[L.BaseSequence..], header.BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[L.RecordCount..], recordCount);
        RecordBatch.UpdateCrc(batch);
    }

    private static int BytesSize(ReadOnlySpan<byte> bytes, bool isNull) =>
        isNull ? VarInt.SizeOf(-1) : VarInt.SizeOf(bytes.Length) + bytes.Length;

    private static void WriteBytes(ref KafkaWriter writer, ReadOnlySpan<byte> bytes, bool isNull)
    {
        if (isNull)
        {
            writer.WriteVarInt(-1);
            return;
        }
        writer.WriteVarInt(bytes.Length);
        writer.WriteRaw(bytes);
    }
}
