using System.Text;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Record = Samsa.Protocol.Records.Record;

namespace Samsa.Protocol.Tests.Records;

/// <summary>A record as a test expects to read it back.</summary>
internal sealed record ExpectedRecord(byte[]? Key, byte[]? Value, long Timestamp, RecordHeader[] Headers);

internal static class SampleBatches
{
    public static readonly CompressionType[] Codecs =
    [
        CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd,
    ];

    public static TheoryData<CompressionType> AllCodecs => new(Codecs);

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Records covering the format's corners: null and empty keys and values, headers, odd deltas.</summary>
    public static List<ExpectedRecord> VariedRecords(int seed = 1, int count = 12)
    {
        var random = new Random(seed);
        var records = new List<ExpectedRecord>
        {
            new(Utf8("key-0"), Utf8("value-0"), 1_700_000_000_000, []),
            new(null, Utf8("no key"), 1_700_000_000_005, []),
            new(Utf8("tombstone"), null, 1_699_999_999_000, []),
            new([], [], 1_700_000_000_001, []),
            new(Utf8("with headers"), Utf8("v"), 1_700_000_000_002,
                [
                    new("trace-id", Utf8("abc")), new("empty", []), new("null", null),
                    new("ключ", Utf8("значение")),
                ]),
        };
        while (records.Count < count)
        {
            var value = new byte[random.Next(0, 3000)];
            random.NextBytes(value);
            records.Add(new ExpectedRecord(Utf8($"key-{records.Count}"), value,
                1_700_000_000_000 + random.Next(-1000, 1000), []));
        }
        return records[..Math.Min(count, records.Count)];
    }

    public static RecordBatchBuilder Builder(CompressionType codec, IEnumerable<ExpectedRecord> records)
    {
        var builder = new RecordBatchBuilder(codec);
        foreach (ExpectedRecord record in records)
            builder.Add(record.Key, record.Value, record.Timestamp, record.Headers);
        return builder;
    }

    public static byte[] Build(CompressionType codec, IEnumerable<ExpectedRecord> records) =>
        Builder(codec, records).Build();

    /// <summary>Reads every record and header of a batch, touching every byte the reader exposes.</summary>
    public static List<ExpectedRecord> ReadAll(ReadOnlySpan<byte> batch, bool verifyCrc = true,
        int maxUncompressedBytes = 64 << 20)
    {
        var result = new List<ExpectedRecord>();
        using RecordBatchContent content = RecordBatch.ReadRecords(batch, maxUncompressedBytes, verifyCrc);
        foreach (Record record in content)
        {
            var headers = new List<RecordHeader>();
            foreach (RecordHeaderView header in record.Headers)
            {
                byte[]? value = header.IsValueNull ? null : header.Value.ToArray();
                headers.Add(new RecordHeader(header.GetKeyString(), value));
            }
            result.Add(new ExpectedRecord(record.IsKeyNull ? null : record.Key.ToArray(),
                record.IsValueNull ? null : record.Value.ToArray(), record.Timestamp, [.. headers]));
        }
        return result;
    }

    public static void AssertSameRecords(IReadOnlyList<ExpectedRecord> expected, IReadOnlyList<ExpectedRecord> actual)
    {
        Xunit.Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Xunit.Assert.Equal(expected[i].Key, actual[i].Key);
            Xunit.Assert.Equal(expected[i].Value, actual[i].Value);
            Xunit.Assert.Equal(expected[i].Timestamp, actual[i].Timestamp);
            Xunit.Assert.Equal(expected[i].Headers.Length, actual[i].Headers.Length);
            for (int h = 0; h < expected[i].Headers.Length; h++)
            {
                Xunit.Assert.Equal(expected[i].Headers[h].Key, actual[i].Headers[h].Key);
                Xunit.Assert.Equal(expected[i].Headers[h].Value, actual[i].Headers[h].Value);
            }
        }
    }
}
