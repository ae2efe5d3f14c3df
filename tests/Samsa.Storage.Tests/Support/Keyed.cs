using System.Text;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Record = Samsa.Protocol.Records.Record;

namespace Samsa.Storage.Tests.Support;

/// <summary>One record as a compacted topic's reader sees it.</summary>
public sealed record StoredRecord(long Offset, string? Key, string? Value, long Timestamp);

/// <summary>Keyed batches for compaction tests, and the records a log holds.</summary>
public static class Keyed
{
    /// <summary>A batch of (key, value) records; a null value is a tombstone, a null key a record without
    /// one.</summary>
    public static byte[] Batch(long timestamp, params (string? Key, string? Value)[] records) =>
        Batch(timestamp, CompressionType.None, records);

    public static byte[] Batch(long timestamp, CompressionType compression,
        params (string? Key, string? Value)[] records)
    {
        var builder = new RecordBatchBuilder(compression);
        for (int i = 0; i < records.Length; i++)
            builder.Add(Bytes(records[i].Key), Bytes(records[i].Value), timestamp + i);
        return builder.Build();
    }

    public static byte[]? Bytes(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    /// <summary>Every record of every visible batch, in log order.</summary>
    internal static List<StoredRecord> Records(TestLog test)
    {
        var records = new List<StoredRecord>();
        foreach (byte[] batch in test.ReadAll())
        {
            using RecordBatchContent content = RecordBatch.ReadRecords(batch, 1 << 24);
            foreach (Record record in content)
            {
                if (content.Header.IsControl) continue;
                records.Add(new StoredRecord(record.Offset,
                    record.IsKeyNull ? null : Encoding.UTF8.GetString(record.Key),
                    record.IsValueNull ? null : Encoding.UTF8.GetString(record.Value), record.Timestamp));
            }
        }
        return records;
    }

    /// <summary>The latest record of each key in <paramref name="records"/>, in offset order.</summary>
    public static List<StoredRecord> LatestPerKey(IEnumerable<StoredRecord> records)
    {
        var latest = new Dictionary<string, StoredRecord>();
        foreach (StoredRecord record in records)
        {
            if (record.Key is not null) latest[record.Key] = record;
        }
        return [.. latest.Values.OrderBy(r => r.Offset)];
    }
}
