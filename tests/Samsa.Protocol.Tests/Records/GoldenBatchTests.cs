using System.Text.Json;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Xunit;
using static Samsa.Protocol.Tests.Records.SampleBatches;
using Record = Samsa.Protocol.Records.Record;

namespace Samsa.Protocol.Tests.Records;

/// <summary>
/// Record batches written by a real client (Confluent.Kafka / librdkafka, see Golden/README.md): every codec's
/// batch validates, decompresses and yields the records its JSON lists, and what Samsa writes for the same records
/// reads back the same and, uncompressed, is byte-identical to the client's.
/// </summary>
public sealed class GoldenBatchTests
{
    private static readonly string BatchesDirectory = Path.Combine(AppContext.BaseDirectory, "Golden", "batches");

    public static TheoryData<string> Labels => new("none", "gzip", "snappy", "lz4", "zstd", "transactional");

    public static TheoryData<string> CompressedLabels => new("gzip", "snappy", "lz4", "zstd");

    private static byte[] Batch(string name) => File.ReadAllBytes(Path.Combine(BatchesDirectory, name));

    private static JsonElement Json(string label) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(BatchesDirectory, $"{label}.json"))).RootElement.Clone();

    private static byte[]? Bytes(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null) return null;
        if (element.TryGetProperty("utf8", out JsonElement text)) return Utf8(text.GetString()!);
        return Convert.FromBase64String(element.GetProperty("base64").GetString()!);
    }

    private static List<ExpectedRecord> ExpectedRecords(JsonElement json)
    {
        var records = new List<ExpectedRecord>();
        foreach (JsonElement record in json.GetProperty("records").EnumerateArray())
        {
            RecordHeader[] headers = [.. record.GetProperty("headers").EnumerateArray()
                .Select(h => new RecordHeader(h.GetProperty("key").GetString()!, Bytes(h.GetProperty("value"))))];
            Assert.Equal(records.Count, record.GetProperty("offsetDelta").GetInt32());
            records.Add(new ExpectedRecord(Bytes(record.GetProperty("key")), Bytes(record.GetProperty("value")),
                record.GetProperty("timestamp").GetInt64(), headers));
        }
        return records;
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Client_batch_validates_and_yields_the_listed_records(string label)
    {
        byte[] batch = Batch($"{label}.bin");
        JsonElement json = Json(label);

        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader header));
        Assert.Equal(RecordBatch.ComputeCrc(batch), header.Crc);
        Assert.Equal((CompressionType)json.GetProperty("compression").GetInt32(), header.Compression);
        Assert.Equal(json.GetProperty("producerId").GetInt64(), header.ProducerId);
        Assert.Equal(json.GetProperty("isTransactional").GetBoolean(), header.IsTransactional);
        Assert.False(header.IsControl);
        List<ExpectedRecord> expected = ExpectedRecords(json);
        Assert.Equal(expected.Count, header.RecordCount);
        Assert.Equal(expected.Count - 1, header.LastOffsetDelta);
        Assert.Equal(expected[0].Timestamp, header.BaseTimestamp);
        Assert.Equal(expected.Max(r => r.Timestamp), header.MaxTimestamp);

        AssertSameRecords(expected, ReadAll(batch));
    }

    [Theory]
    [MemberData(nameof(CompressedLabels))]
    public void Client_compressed_records_decompress_to_the_uncompressed_batch_records(string label)
    {
        // The five producers sent the same records, so every codec's payload decompresses to none.bin's.
        byte[] none = Batch("none.bin");
        using RecordBatchContent content = RecordBatch.ReadRecords(Batch($"{label}.bin"), 1 << 20);
        Assert.Equal(none.AsSpan(RecordBatchLayout.HeaderSize).ToArray(), content.Records.ToArray());
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Samsa_batch_of_the_same_records_reads_back_the_same(string label)
    {
        JsonElement json = Json(label);
        List<ExpectedRecord> expected = ExpectedRecords(json);
        var codec = (CompressionType)json.GetProperty("compression").GetInt32();
        RecordBatchBuilder builder = Builder(codec, expected);
        builder.IsTransactional = json.GetProperty("isTransactional").GetBoolean();
        builder.ProducerId = json.GetProperty("producerId").GetInt64();
        byte[] ours = builder.Build();

        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(ours, out RecordBatchHeader header));
        Assert.Equal(codec, header.Compression);
        AssertSameRecords(expected, ReadAll(ours));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("transactional")]
    public void Samsa_writes_uncompressed_batches_byte_for_byte_as_the_client_does(string label)
    {
        byte[] client = Batch($"{label}.bin");
        RecordBatchHeader clientHeader = RecordBatchHeader.Read(client);
        RecordBatchBuilder builder = Builder(CompressionType.None, ExpectedRecords(Json(label)));
        builder.BaseOffset = clientHeader.BaseOffset;
        builder.PartitionLeaderEpoch = clientHeader.PartitionLeaderEpoch;
        builder.ProducerId = clientHeader.ProducerId;
        builder.ProducerEpoch = clientHeader.ProducerEpoch;
        builder.BaseSequence = clientHeader.BaseSequence;
        builder.IsTransactional = clientHeader.IsTransactional;

        Assert.Equal(client, builder.Build());
    }

    [Theory]
    [MemberData(nameof(CompressedLabels))]
    public void Samsa_compression_of_the_client_records_reads_back(string label)
    {
        // Recompress the client's own records section with Samsa's codec, in a batch with the client's header.
        byte[] client = Batch($"{label}.bin");
        var codec = RecordBatchHeader.Read(client).Compression;
        ReadOnlySpan<byte> records = Batch("none.bin").AsSpan(RecordBatchLayout.HeaderSize);
        var payload = new System.Buffers.ArrayBufferWriter<byte>();
        CompressionCodec.Compress(codec, records, payload);
        byte[] batch = [.. client.AsSpan(0, RecordBatchLayout.HeaderSize), .. payload.WrittenSpan];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.BatchLength),
            batch.Length - RecordBatchLayout.LogOverhead);
        RecordBatch.UpdateCrc(batch);

        AssertSameRecords(ExpectedRecords(Json(label)), ReadAll(batch));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("snappy")]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public void Fetched_batch_is_the_produced_batch(string label)
    {
        byte[] fetched = Batch($"fetch-{label}.bin");
        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(fetched, out _));
        Assert.Equal(Batch($"{label}.bin"), fetched);
    }

    [Fact]
    public void Mock_broker_commit_marker_is_a_control_batch()
    {
        byte[] batch = Batch("fetch-none-control.bin");
        // librdkafka's mock leaves the CRC of the markers it writes at 0; a real broker computes it. The check
        // catches that, and the batch is otherwise well formed.
        Assert.Equal(0u, RecordBatchHeader.Read(batch).Crc);
        Assert.Equal(RecordBatchValidation.BadCrc, RecordBatch.TryValidate(batch, out _));
        RecordBatch.UpdateCrc(batch);
        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader header));
        Assert.True(header.IsControl);
        Assert.True(header.IsTransactional);
        Assert.Equal(2, header.BaseOffset);
        Assert.Equal(Json("transactional").GetProperty("producerId").GetInt64(), header.ProducerId);

        using RecordBatchContent content = RecordBatch.ReadRecords(batch, 1 << 20);
        int count = 0;
        foreach (Record record in content)
        {
            count++;
            Assert.Equal(2, record.Offset);
            Assert.Equal(ControlRecordType.Commit, ControlRecord.ReadType(record.Key));
            Assert.Equal(0, ControlRecord.ReadEndTransactionMarker(record.Value));
        }
        Assert.Equal(1, count);
    }

    [Fact]
    public void Blob_of_every_golden_batch_splits_back_into_them()
    {
        string[] names = [.. Directory.GetFiles(BatchesDirectory, "*.bin").Select(Path.GetFileName).Order()!];
        byte[][] batches = [.. names.Select(n => Batch(n!))];
        byte[] blob = [.. batches.SelectMany(b => b)];
        int index = 0;
        var reader = new RecordBatchReader(blob);
        while (reader.MoveNext())
            Assert.Equal(batches[index++], reader.Current.ToArray());
        Assert.Equal(batches.Length, index);
        Assert.Equal(RecordsTail.None, reader.Tail);
    }
}
