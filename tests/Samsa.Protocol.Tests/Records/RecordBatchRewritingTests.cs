using System.Buffers;
using System.Buffers.Binary;
using CsCheck;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using static Samsa.Protocol.Tests.Records.SampleBatches;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Protocol.Tests.Records;

// The broker's two rewrites of a produced batch: a max timestamp computed from the records when the header's cannot
// be right (Sarama 1.22 writes -1, and negative deltas), and recompression to a topic's codec. Property tests build
// batches of arbitrary records under every codec; CsCheck prints the seed of a failing run (CsCheck_Seed replays it).
public sealed class RecordBatchRewritingTests
{
    private const long Base = 1_700_000_000_000;
    private const int Limit = 1 << 20;

    private static readonly Gen<byte[]?> GenBytes =
        Gen.Select(Gen.Int[0, 9], Gen.Byte.Array[0, 60], (n, bytes) => n == 0 ? null : bytes);

    private static readonly Gen<RecordHeader> GenHeader = Gen.Select(Gen.Char["abcxyzé-"].Array[1, 8], GenBytes,
        (key, value) => new RecordHeader(new string(key), value));

    // Deltas either side of the first record's timestamp: Sarama 1.22 writes negative ones.
    private static readonly Gen<ExpectedRecord> GenRecord = Gen.Select(GenBytes, GenBytes,
        Gen.Long[-5_000_000, 5_000_000], GenHeader.Array[0, 2],
        (key, value, delta, headers) => new ExpectedRecord(key, value, Base + delta, headers));

    private static readonly Gen<CompressionType> GenCodec = Gen.OneOf(Codecs);

    [Fact]
    public void A_broken_max_timestamp_is_stamped_from_the_records_and_the_crc_checks() =>
        Gen.Select(GenCodec, GenRecord.Array[1, 40], Gen.Int[0, 2], Gen.Long[1, 10_000_000_000])
            .Sample((codec, records, broken, below) =>
            {
                byte[] batch = Build(codec, records);
                RecordBatchHeader built = RecordBatchHeader.Read(batch);
                long wrong = broken switch
                {
                    0 => RecordBatchHeader.NoTimestamp,
                    1 => built.BaseTimestamp - below,
                    _ => 0,
                };
                SetHeaderMaxTimestamp(batch, wrong);
                Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader sent));
                Assert.False(RecordBatch.IsMaxTimestampPlausible(sent));

                RecordBatchRewriteStatus status = RecordBatch.TryStampMaxTimestamp(batch, Limit, out long min,
                    out long max);

                Assert.Equal(RecordBatchRewriteStatus.Ok, status);
                Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader stamped));
                Assert.Equal(records.Max(r => r.Timestamp), stamped.MaxTimestamp);
                Assert.Equal(records.Max(r => r.Timestamp), max);
                Assert.Equal(records.Min(r => r.Timestamp), min);
                Assert.True(RecordBatch.IsMaxTimestampPlausible(stamped));
                AssertSameRecords(records, ReadAll(batch));
            }, iter: 300, print: t => $"{t.Item1}, max broken as {t.Item3} ({t.Item4}), {t.Item2.Length} records: "
                + string.Join(",", t.Item2.Select(r => r.Timestamp - Base)));

    [Fact]
    public void A_plausible_max_timestamp_is_left_alone() =>
        Gen.Select(GenCodec, GenRecord.Array[1, 20]).Sample((codec, records) =>
        {
            byte[] batch = Build(codec, records);
            Assert.True(RecordBatch.IsMaxTimestampPlausible(RecordBatchHeader.Read(batch)));
        }, iter: 50);

    [Fact]
    public void Recompression_keeps_every_field_and_record_but_the_codec() =>
        Gen.Select(GenCodec, GenCodec, GenRecord.Array[1, 40], Gen.Bool, Gen.Int[0, 3])
            .Sample((from, to, records, idempotent, brokenMax) =>
            {
                RecordBatchBuilder builder = Builder(from, records);
                builder.BaseOffset = 17;
                builder.PartitionLeaderEpoch = 4;
                if (idempotent)
                {
                    builder.ProducerId = 1234;
                    builder.ProducerEpoch = 2;
                    builder.BaseSequence = 99;
                }
                byte[] batch = builder.Build();
                if (brokenMax == 0) SetHeaderMaxTimestamp(batch, RecordBatchHeader.NoTimestamp);
                RecordBatchHeader original = RecordBatchHeader.Read(batch);
                var output = new ArrayBufferWriter<byte>();

                RecordBatchRewriteStatus status = RecordBatch.TryRecompress(batch, to, level: null, Limit, output,
                    out long min, out long max);

                Assert.Equal(RecordBatchRewriteStatus.Ok, status);
                Assert.Equal(RecordBatchValidation.Ok,
                    RecordBatch.TryValidate(output.WrittenSpan, out RecordBatchHeader rebuilt));
                Assert.Equal(to, rebuilt.Compression);
                Assert.Equal(original.Attributes & ~L.CompressionMask, rebuilt.Attributes & ~L.CompressionMask);
                Assert.Equal(original.BaseOffset, rebuilt.BaseOffset);
                Assert.Equal(original.PartitionLeaderEpoch, rebuilt.PartitionLeaderEpoch);
                Assert.Equal(original.LastOffsetDelta, rebuilt.LastOffsetDelta);
                Assert.Equal(original.BaseTimestamp, rebuilt.BaseTimestamp);
                Assert.Equal(original.ProducerId, rebuilt.ProducerId);
                Assert.Equal(original.ProducerEpoch, rebuilt.ProducerEpoch);
                Assert.Equal(original.BaseSequence, rebuilt.BaseSequence);
                Assert.Equal(original.RecordCount, rebuilt.RecordCount);
                Assert.Equal(records.Max(r => r.Timestamp), rebuilt.MaxTimestamp);
                Assert.Equal(records.Max(r => r.Timestamp), max);
                Assert.Equal(records.Min(r => r.Timestamp), min);
                AssertSameRecords(records, ReadAll(output.WrittenSpan));
                using RecordBatchContent before = RecordBatch.ReadRecords(batch, Limit);
                using RecordBatchContent after = RecordBatch.ReadRecords(output.WrittenSpan, Limit);
                Assert.True(before.Records.SequenceEqual(after.Records), "the records section changed");
            }, iter: 200, print: t => $"{t.Item1} -> {t.Item2}, {t.Item3.Length} records, idempotent {t.Item4}");

    [Theory]
    [InlineData(CompressionType.None, CompressionType.Gzip)]
    [InlineData(CompressionType.Zstd, CompressionType.Lz4)]
    [InlineData(CompressionType.Snappy, CompressionType.None)]
    public void Recompression_keeps_the_transactional_bit_and_log_append_time(CompressionType from,
        CompressionType to)
    {
        RecordBatchBuilder builder = Builder(from, VariedRecords(count: 6));
        builder.IsTransactional = true;
        builder.ProducerId = 7;
        builder.ProducerEpoch = 0;
        builder.BaseSequence = 0;
        builder.LogAppendTime = 1_800_000_000_000;
        byte[] batch = builder.Build();
        var output = new ArrayBufferWriter<byte>();

        Assert.Equal(RecordBatchRewriteStatus.Ok,
            RecordBatch.TryRecompress(batch, to, level: 1, Limit, output, out _, out long max));

        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(output.WrittenSpan, out RecordBatchHeader h));
        Assert.True(h.IsTransactional);
        Assert.Equal(TimestampType.LogAppendTime, h.TimestampType);
        Assert.Equal(1_800_000_000_000, h.MaxTimestamp);
        Assert.Equal(1_800_000_000_000, max);
        Assert.Equal(to, h.Compression);
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Records_that_inflate_past_the_limit_are_too_large_for_both_rewrites(CompressionType codec)
    {
        // 64 records of 16 KiB of zeros: about 1 MiB inflated from a few KiB.
        var builder = new RecordBatchBuilder(codec);
        for (int i = 0; i < 64; i++) builder.Add(null, new byte[16 << 10], Base + i);
        byte[] batch = builder.Build();
        SetHeaderMaxTimestamp(batch, RecordBatchHeader.NoTimestamp);
        byte[] original = batch.ToArray();
        var output = new ArrayBufferWriter<byte>();

        Assert.Equal(RecordBatchRewriteStatus.RecordsTooLarge,
            RecordBatch.TryStampMaxTimestamp(batch, 256 << 10, out _, out _));
        Assert.Equal(RecordBatchRewriteStatus.RecordsTooLarge,
            RecordBatch.TryRecompress(batch, CompressionType.None, null, 256 << 10, output, out _, out _));

        Assert.Equal(original, batch);
        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(RecordBatchRewriteStatus.Ok, RecordBatch.TryStampMaxTimestamp(batch, 2 << 20, out _, out _));
    }

    [Fact]
    public void A_rebuilt_batch_larger_than_the_limit_is_refused()
    {
        var builder = new RecordBatchBuilder(CompressionType.Lz4);
        for (int i = 0; i < 16; i++) builder.Add(null, new byte[4096], Base);
        byte[] batch = builder.Build();
        var output = new ArrayBufferWriter<byte>();
        int recordsBytes;
        using (RecordBatchContent content = RecordBatch.ReadRecords(batch, Limit))
            recordsBytes = content.Records.Length;

        // The records fit the limit exactly; uncompressed, the batch needs the 61-byte header on top.
        Assert.Equal(RecordBatchRewriteStatus.BatchTooLarge,
            RecordBatch.TryRecompress(batch, CompressionType.None, null, recordsBytes, output, out _, out _));
        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(RecordBatchRewriteStatus.Ok,
            RecordBatch.TryRecompress(batch, CompressionType.None, null, recordsBytes + L.HeaderSize, output,
                out _, out _));
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Zstd)]
    public void Records_that_do_not_decode_are_corrupt(CompressionType codec)
    {
        // One more record claimed than the records section holds, with a CRC that matches.
        byte[] batch = Build(codec, VariedRecords(count: 3));
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(L.RecordCount), 4);
        RecordBatch.UpdateCrc(batch);
        var output = new ArrayBufferWriter<byte>();

        Assert.Equal(RecordBatchRewriteStatus.Corrupt, RecordBatch.TryStampMaxTimestamp(batch, Limit, out _, out _));
        Assert.Equal(RecordBatchRewriteStatus.Corrupt,
            RecordBatch.TryRecompress(batch, CompressionType.Gzip, null, Limit, output, out _, out _));
    }

    [Fact]
    public void Corrupt_compressed_records_are_corrupt_not_too_large()
    {
        byte[] batch = Build(CompressionType.Gzip, VariedRecords(count: 3));
        batch[^10] ^= 0xFF;
        RecordBatch.UpdateCrc(batch);

        Assert.Equal(RecordBatchRewriteStatus.Corrupt, RecordBatch.TryStampMaxTimestamp(batch, Limit, out _, out _));
        Assert.Equal(DecompressionStatus.Corrupt, CompressionCodec.TryDecompress(CompressionType.Gzip,
            batch.AsSpan(L.HeaderSize), new ArrayBufferWriter<byte>(), Limit, out _));
    }

    /// <summary>What a client that gets the max timestamp wrong sends: a CRC over its wrong value.</summary>
    private static void SetHeaderMaxTimestamp(byte[] batch, long maxTimestamp)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(L.MaxTimestamp), maxTimestamp);
        RecordBatch.UpdateCrc(batch);
    }
}
