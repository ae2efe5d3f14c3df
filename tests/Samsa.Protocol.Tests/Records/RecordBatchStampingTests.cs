using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Record = Samsa.Protocol.Records.Record;
using Xunit;
using static Samsa.Protocol.Tests.Records.SampleBatches;

namespace Samsa.Protocol.Tests.Records;

public sealed class RecordBatchStampingTests
{
    [Fact]
    public void Stamping_base_offset_and_leader_epoch_keeps_the_crc_valid()
    {
        List<ExpectedRecord> records = VariedRecords(count: 4);
        byte[] batch = Build(CompressionType.Snappy, records);
        uint crc = RecordBatchHeader.Read(batch).Crc;

        RecordBatch.SetBaseOffset(batch, 1_000_000);
        RecordBatch.SetPartitionLeaderEpoch(batch, 12);

        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader header));
        Assert.Equal(crc, header.Crc);
        Assert.Equal(1_000_000, header.BaseOffset);
        Assert.Equal(12, header.PartitionLeaderEpoch);
        Assert.Equal(1_000_003, header.LastOffset);
        using RecordBatchContent content = RecordBatch.ReadRecords(batch, 1 << 20);
        long offset = 1_000_000;
        foreach (Record record in content)
            Assert.Equal(offset++, record.Offset);
    }

    [Fact]
    public void Stamping_log_append_time_recomputes_the_crc()
    {
        List<ExpectedRecord> records = VariedRecords(count: 4);
        byte[] batch = Build(CompressionType.None, records);
        uint before = RecordBatchHeader.Read(batch).Crc;

        RecordBatch.SetLogAppendTime(batch, 1_900_000_000_000);

        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader header));
        Assert.NotEqual(before, header.Crc);
        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        Assert.Equal(1_900_000_000_000, header.MaxTimestamp);
        Assert.All(ReadAll(batch), r => Assert.Equal(1_900_000_000_000, r.Timestamp));

        // Back to create time with the original max: the original bytes again.
        long max = records.Max(r => r.Timestamp);
        RecordBatch.SetMaxTimestamp(batch, TimestampType.CreateTime, max);
        Assert.Equal(before, RecordBatchHeader.Read(batch).Crc);
        AssertSameRecords(records, ReadAll(batch));
    }

    [Fact]
    public void Stamping_a_span_holding_more_than_the_batch_touches_only_the_batch()
    {
        byte[] batch = Build(CompressionType.None, VariedRecords(count: 2));
        byte[] padded = [.. batch, 0xEE, 0xEE, 0xEE];
        RecordBatch.SetLogAppendTime(padded, 5);
        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(padded.AsSpan(0, batch.Length), out _));
        Assert.Equal(0xEE, padded[^1]);
    }

    [Fact]
    public void Stamping_refuses_a_span_shorter_than_the_batch()
    {
        byte[] batch = Build(CompressionType.None, VariedRecords(count: 2));
        Assert.Throws<ArgumentException>(() => RecordBatch.SetBaseOffset(batch.AsSpan(0, 30), 1));
        Assert.Throws<ArgumentException>(() => RecordBatch.SetLogAppendTime(batch.AsSpan(0, batch.Length - 1), 1));
    }
}
