using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Record = Samsa.Protocol.Records.Record;
using Xunit;
using static Samsa.Protocol.Tests.Records.SampleBatches;

namespace Samsa.Protocol.Tests.Records;

public sealed class RecordBatchBuilderTests
{
    [Theory]
    [MemberData(nameof(AllCodecs), MemberType = typeof(SampleBatches))]
    public void Built_batch_reads_back_the_same_records(CompressionType codec)
    {
        List<ExpectedRecord> records = VariedRecords(count: 40);
        byte[] batch = Build(codec, records);

        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader header));
        Assert.Equal(codec, header.Compression);
        AssertSameRecords(records, ReadAll(batch));
    }

    [Theory]
    [MemberData(nameof(AllCodecs), MemberType = typeof(SampleBatches))]
    public void Large_values_span_many_codec_blocks(CompressionType codec)
    {
        var random = new Random(11);
        var records = new List<ExpectedRecord>();
        for (int i = 0; i < 6; i++)
        {
            var value = new byte[150_000];
            random.NextBytes(value.AsSpan(0, value.Length / 2));   // half random, half zeros: some blocks shrink
            records.Add(new ExpectedRecord(Utf8($"big-{i}"), value, 1_000 + i, []));
        }
        byte[] batch = Build(codec, records);
        AssertSameRecords(records, ReadAll(batch));
    }

    [Fact]
    public void Header_fields_are_what_the_builder_was_given()
    {
        var builder = new RecordBatchBuilder(CompressionType.Lz4)
        {
            BaseOffset = 1234,
            PartitionLeaderEpoch = 17,
            ProducerId = 99_000,
            ProducerEpoch = 3,
            BaseSequence = 42,
            IsTransactional = true,
        };
        builder.Add(Utf8("a"), Utf8("1"), timestamp: 5_000);
        builder.Add(Utf8("b"), Utf8("2"), timestamp: 9_000);
        builder.Add(Utf8("c"), Utf8("3"), timestamp: 7_000);
        byte[] batch = builder.Build();

        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        Assert.Equal(1234, header.BaseOffset);
        Assert.Equal(batch.Length - 12, header.BatchLength);
        Assert.Equal(batch.Length, header.SizeInBytes);
        Assert.Equal(17, header.PartitionLeaderEpoch);
        Assert.Equal(2, header.Magic);
        Assert.Equal(RecordBatch.ComputeCrc(batch), header.Crc);
        Assert.Equal(2, header.LastOffsetDelta);
        Assert.Equal(1236, header.LastOffset);
        Assert.Equal(1237, header.NextOffset);
        Assert.Equal(5_000, header.BaseTimestamp);
        Assert.Equal(9_000, header.MaxTimestamp);
        Assert.Equal(99_000, header.ProducerId);
        Assert.Equal(3, header.ProducerEpoch);
        Assert.Equal(42, header.BaseSequence);
        Assert.Equal(44, header.LastSequence);
        Assert.Equal(3, header.RecordCount);
        Assert.Equal(CompressionType.Lz4, header.Compression);
        Assert.Equal(TimestampType.CreateTime, header.TimestampType);
        Assert.True(header.IsTransactional);
        Assert.False(header.IsControl);
        Assert.False(header.HasDeleteHorizon);
        Assert.True(header.HasProducerId);
        Assert.Equal(0x13, header.Attributes);

        using RecordBatchContent content = RecordBatch.ReadRecords(batch, 1 << 20);
        long expectedOffset = 1234;
        foreach (Record record in content)
            Assert.Equal(expectedOffset++, record.Offset);
        Assert.Equal(1237, expectedOffset);
    }

    // The layout written out by hand from implementation.html, independently of the builder.
    [Fact]
    public void Builder_writes_the_documented_byte_layout()
    {
        var builder = new RecordBatchBuilder { ProducerId = 7, ProducerEpoch = 1, BaseSequence = 0 };
        builder.Add(Utf8("k"), Utf8("v"), timestamp: 1000, [new RecordHeader("h", [0xAB])]);
        byte[] batch = builder.Build();

        byte[] record =
        [
            0x18,                       // length 12, zig-zag
            0x00,                       // attributes
            0x00,                       // timestampDelta 0
            0x00,                       // offsetDelta 0
            0x02, (byte)'k',            // key length 1, key
            0x02, (byte)'v',            // value length 1, value
            0x02,                       // one header
            0x02, (byte)'h', 0x02, 0xAB, // header key "h", value [AB]
        ];
        var expected = new byte[61 + record.Length];
        Span<byte> e = expected;
        BinaryPrimitives.WriteInt64BigEndian(e, 0);                      // baseOffset
        BinaryPrimitives.WriteInt32BigEndian(e[8..], expected.Length - 12);
        BinaryPrimitives.WriteInt32BigEndian(e[12..], -1);               // partitionLeaderEpoch
        e[16] = 2;                                                       // magic
        BinaryPrimitives.WriteInt16BigEndian(e[21..], 0);                // attributes
        BinaryPrimitives.WriteInt32BigEndian(e[23..], 0);                // lastOffsetDelta
        BinaryPrimitives.WriteInt64BigEndian(e[27..], 1000);             // baseTimestamp
        BinaryPrimitives.WriteInt64BigEndian(e[35..], 1000);             // maxTimestamp
        BinaryPrimitives.WriteInt64BigEndian(e[43..], 7);                // producerId
        BinaryPrimitives.WriteInt16BigEndian(e[51..], 1);                // producerEpoch
        BinaryPrimitives.WriteInt32BigEndian(e[53..], 0);                // baseSequence
        BinaryPrimitives.WriteInt32BigEndian(e[57..], 1);                // recordCount
        record.CopyTo(e[61..]);
        BinaryPrimitives.WriteUInt32BigEndian(e[17..], Crc32C.Compute(e[21..]));

        Assert.Equal(expected, batch);
    }

    [Theory]
    [MemberData(nameof(AllCodecs), MemberType = typeof(SampleBatches))]
    public void Control_batch_carries_a_transaction_marker(CompressionType codec)
    {
        var builder = new RecordBatchBuilder(codec) { ProducerId = 5, ProducerEpoch = 2, BaseOffset = 77 };
        builder.AddEndTransactionMarker(ControlRecordType.Commit, coordinatorEpoch: 9, timestamp: 123);
        byte[] batch = builder.Build();

        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader header));
        Assert.True(header.IsControl);
        Assert.True(header.IsTransactional);
        Assert.Equal(1, header.RecordCount);
        Assert.Equal(RecordBatchHeader.NoSequence, header.BaseSequence);

        using RecordBatchContent content = RecordBatch.ReadRecords(batch, 1 << 20);
        int count = 0;
        foreach (Record record in content)
        {
            count++;
            Assert.Equal(77, record.Offset);
            Assert.Equal(ControlRecord.KeySize, record.Key.Length);
            Assert.Equal(ControlRecordType.Commit, ControlRecord.ReadType(record.Key));
            Assert.Equal(9, ControlRecord.ReadEndTransactionMarker(record.Value));
            Assert.Equal(new byte[] { 0, 0, 0, 1 }, record.Key.ToArray());
            Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 9 }, record.Value.ToArray());
        }
        Assert.Equal(1, count);
    }

    [Fact]
    public void Abort_marker_and_control_record_parsing_reject_short_or_negative_versions()
    {
        Assert.Equal(ControlRecordType.Abort, ControlRecord.ReadType(ControlRecord.CreateKey(ControlRecordType.Abort)));
        Assert.Throws<ProtocolException>(() => ControlRecord.ReadType([0, 0, 0]));
        Assert.Throws<ProtocolException>(() => ControlRecord.ReadType([0xFF, 0xFF, 0, 1]));
        Assert.Throws<ProtocolException>(() => ControlRecord.ReadEndTransactionMarker([0, 0, 0, 0, 0]));
        Assert.Throws<ProtocolException>(() => ControlRecord.ReadEndTransactionMarker([0x80, 0, 0, 0, 0, 1]));
        // A newer version with more fields still yields what this version knows.
        Assert.Equal(ControlRecordType.Commit, ControlRecord.ReadType([0, 1, 0, 1, 0xAA]));
    }

    [Fact]
    public void Log_append_time_batch_reads_every_timestamp_as_the_append_time()
    {
        var builder = new RecordBatchBuilder { LogAppendTime = 42_000 };
        builder.Add(Utf8("a"), Utf8("1"), timestamp: 1);
        builder.Add(Utf8("b"), Utf8("2"), timestamp: 2);
        byte[] batch = builder.Build();

        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        Assert.Equal(42_000, header.MaxTimestamp);
        Assert.All(ReadAll(batch), r => Assert.Equal(42_000, r.Timestamp));
    }

    [Fact]
    public void Delete_horizon_becomes_the_base_timestamp_and_record_timestamps_survive()
    {
        List<ExpectedRecord> records = VariedRecords(count: 5);
        RecordBatchBuilder builder = Builder(CompressionType.None, records);
        builder.DeleteHorizon = 1_800_000_000_000;
        byte[] batch = builder.Build();

        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        Assert.True(header.HasDeleteHorizon);
        Assert.Equal(1_800_000_000_000, header.BaseTimestamp);
        AssertSameRecords(records, ReadAll(batch));
    }

    [Fact]
    public void Last_sequence_wraps_past_int_max_as_producers_do()
    {
        var builder = new RecordBatchBuilder { ProducerId = 1, ProducerEpoch = 0, BaseSequence = int.MaxValue - 1 };
        for (int i = 0; i < 4; i++)
            builder.Add(null, Utf8("x"), 0);
        Assert.Equal(1, RecordBatchHeader.Read(builder.Build()).LastSequence);
    }

    [Fact]
    public void Empty_builder_refuses_to_build()
    {
        Assert.Throws<InvalidOperationException>(() => new RecordBatchBuilder().Build());
    }
}
