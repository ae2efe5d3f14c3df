using Samsa.Protocol;
using Samsa.Protocol.Records;

namespace Samsa.Metadata.Log;

// How the metadata log travels to brokers that follow it, in Kafka's shape: each metadata batch is one v2 record
// batch (its base offset, its leader epoch as the partition leader epoch, its append time as the timestamp), each
// record one Kafka record with a null key and the framed metadata record (MetadataRecordSerde) as its value. A
// snapshot is the image's records in batches of SnapshotBatchRecords, offsets from 0. Batches are checked by CRC on
// the way in; a malformed one raises ProtocolException.
/// <summary>Metadata batches and snapshots as Kafka record batches, both ways.</summary>
public static class MetadataWireFormat
{
    /// <summary>The metadata log's topic, as Kafka names it.</summary>
    public const string TopicName = "__cluster_metadata";

    /// <summary>The metadata topic's id: Kafka's fixed id for it (AAAAAAAAAAAAAAAAAAAAAQ).</summary>
    public static readonly Guid TopicId = new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], bigEndian: true);

    private const int SnapshotBatchRecords = 1000;

    /// <summary>The largest metadata record batch accepted on the way in, decompressed.</summary>
    private const int MaxBatchBytes = 64 * 1024 * 1024;

    /// <summary>Writes <paramref name="batch"/> as one record batch to <paramref name="output"/>.</summary>
    public static void Write(MetadataBatch batch, System.Buffers.IBufferWriter<byte> output)
    {
        var builder = new RecordBatchBuilder
        {
            BaseOffset = batch.BaseOffset,
            PartitionLeaderEpoch = batch.Epoch,
        };
        long timestamp = batch.AppendTime.ToUnixTimeMilliseconds();
        foreach (IMetadataRecord record in batch.Records)
            builder.Add(null, Records.MetadataRecordSerde.Serialize(record), timestamp);
        builder.WriteTo(output);
    }

    /// <summary>The records of a snapshot as record batches.</summary>
    public static byte[] WriteSnapshot(IReadOnlyList<IMetadataRecord> records, DateTimeOffset time)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        for (int start = 0; start < records.Count; start += SnapshotBatchRecords)
        {
            int count = Math.Min(SnapshotBatchRecords, records.Count - start);
            var chunk = new List<IMetadataRecord>(count);
            for (int i = 0; i < count; i++) chunk.Add(records[start + i]);
            Write(new MetadataBatch(start, 0, time, chunk), output);
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The metadata batches in a fetched records blob; a partial batch at the end is left out, as a
    /// fetch may cut one off.</summary>
    /// <exception cref="ProtocolException">A batch is malformed or holds a record that does not decode.</exception>
    public static List<MetadataBatch> ReadBatches(ReadOnlyMemory<byte> records)
    {
        var batches = new List<MetadataBatch>();
        int position = 0;
        while (position < records.Length)
        {
            int size = RecordBatchReader.NextBatchSize(records.Span[position..], records.Length - position,
                out RecordsTail tail, currentMagicOnly: true);
            if (size < 0)
            {
                if (tail == RecordsTail.Corrupt) throw new ProtocolException("a metadata record batch is malformed");
                break;
            }
            batches.Add(ReadBatch(records.Slice(position, size)));
            position += size;
        }
        return batches;
    }

    /// <summary>Every record of a snapshot, in order.</summary>
    public static List<IMetadataRecord> ReadSnapshot(ReadOnlyMemory<byte> snapshot)
    {
        var records = new List<IMetadataRecord>();
        foreach (MetadataBatch batch in ReadBatches(snapshot)) records.AddRange(batch.Records);
        return records;
    }

    private static MetadataBatch ReadBatch(ReadOnlyMemory<byte> batch)
    {
        var records = new List<IMetadataRecord>();
        RecordBatchHeader header;
        using (RecordBatchContent content = RecordBatch.ReadRecords(batch.Span, MaxBatchBytes))
        {
            header = content.Header;
            foreach (Record record in content)
            {
                if (record.IsValueNull) throw new ProtocolException("a metadata record has no value");
                records.Add(Records.MetadataRecordSerde.Read(record.Value.ToArray()));
            }
        }
        if (records.Count == 0) throw new ProtocolException("a metadata record batch holds no records");
        return new MetadataBatch(header.BaseOffset, header.PartitionLeaderEpoch,
            DateTimeOffset.FromUnixTimeMilliseconds(header.BaseTimestamp), records);
    }
}
