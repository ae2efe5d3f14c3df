using System.Buffers;
using System.Buffers.Binary;
using Samsa.Broker.Handlers;
using Samsa.Protocol;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;
using Samsa.Storage;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Broker.Tests.Handlers;

// The produce path decodes a batch only when it must: a max timestamp that cannot be right (Sarama 1.22 writes -1),
// or a topic whose compression.type differs from the batch's codec.
public sealed class ProduceRewriteTests
{
    private const long Now = 1_735_689_600_000; // the fixture's clock: 2025-01-01

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Snappy)]
    public async Task A_missing_max_timestamp_is_computed_from_the_records_so_the_time_index_finds_the_batch(
        CompressionType codec)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("sarama");
        // Ten records a second apart, the first written last: negative deltas, as Sarama 1.22 sends them.
        var builder = new RecordBatchBuilder(codec);
        builder.Add([9], [9], Now - 1000);
        for (int i = 1; i < 10; i++) builder.Add([(byte)i], [(byte)i], Now - 10_000 + (i * 1000));
        byte[] batch = WithMaxTimestamp(builder.Build(), RecordBatchHeader.NoTimestamp);

        ProduceResponse.PartitionProduceResponse result = await ProduceAsync(f, "sarama", batch);

        Assert.Equal(0, result.ErrorCode);
        byte[] stored = ReadStored(f, "sarama");
        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(stored, out RecordBatchHeader header));
        Assert.Equal(Now - 1000, header.MaxTimestamp);
        Assert.Equal(ReadStatus.Ok, f.Partition("sarama").Log.FindOffsetByTimestamp(Now - 9000,
            out TimestampAndOffset? found));
        Assert.Equal(0, found?.Offset);
        Assert.Equal(ReadStatus.Ok, f.Partition("sarama").Log.FindOffsetByTimestamp(Now - 1000, out found));
        Assert.Equal(0, found?.Offset);
    }

    [Fact]
    public async Task Decoded_records_are_held_to_the_timestamp_range_by_their_own_timestamps()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("recent", configs: [new("message.timestamp.before.max.ms", "60000")]);
        // The header's base is in range; the second record, ten minutes older, is not.
        byte[] batch = WithMaxTimestamp(new RecordBatchBuilder().Add([1], [1], Now).Add([2], [2], Now - 600_000)
            .Build(), RecordBatchHeader.NoTimestamp);

        ProduceResponse.PartitionProduceResponse result = await ProduceAsync(f, "recent", batch);

        Assert.Equal((short)ErrorCode.InvalidTimestamp, result.ErrorCode);
        Assert.Equal(0, f.Partition("recent").Log.LogEndOffset);
    }

    [Fact]
    public async Task A_batch_whose_records_inflate_past_max_message_bytes_is_refused_before_it_is_decoded_whole()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("small", configs: [new("max.message.bytes", "100000")]);
        var builder = new RecordBatchBuilder(CompressionType.Gzip);
        for (int i = 0; i < 64; i++) builder.Add(null, new byte[16 << 10], Now);
        byte[] batch = WithMaxTimestamp(builder.Build(), RecordBatchHeader.NoTimestamp);
        Assert.True(batch.Length < 100_000);

        ProduceResponse.PartitionProduceResponse result = await ProduceAsync(f, "small", batch);

        Assert.Equal((short)ErrorCode.MessageTooLarge, result.ErrorCode);
        Assert.Contains("max.message.bytes=100000", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, f.Partition("small").Log.LogEndOffset);
    }

    [Theory]
    [InlineData("lz4", CompressionType.None, CompressionType.Lz4)]
    [InlineData("zstd", CompressionType.Gzip, CompressionType.Zstd)]
    [InlineData("uncompressed", CompressionType.Snappy, CompressionType.None)]
    [InlineData("gzip", CompressionType.Lz4, CompressionType.Gzip)]
    [InlineData("snappy", CompressionType.Zstd, CompressionType.Snappy)]
    public async Task A_batch_is_stored_with_the_topics_codec(string compressionType, CompressionType sent,
        CompressionType stored)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("codec", configs: [new("compression.type", compressionType)]);
        RecordBatchBuilder builder = Records(sent, count: 50);
        byte[] batch = builder.Build();
        byte[] records = RecordsSection(batch);

        ProduceResponse.PartitionProduceResponse result = await ProduceAsync(f, "codec", batch);

        Assert.Equal(0, result.ErrorCode);
        byte[] bytes = ReadStored(f, "codec");
        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(bytes, out RecordBatchHeader header));
        Assert.Equal(stored, header.Compression);
        Assert.Equal(49, header.LastOffsetDelta);
        Assert.Equal(Now + 49, header.MaxTimestamp);
        Assert.Equal(records, RecordsSection(bytes));
    }

    [Fact]
    public async Task A_batch_already_in_the_topics_codec_is_stored_as_it_came()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("codec", configs: [new("compression.type", "zstd")]);
        byte[] batch = Records(CompressionType.Zstd, count: 20).Build();

        Assert.Equal(0, (await ProduceAsync(f, "codec", batch)).ErrorCode);

        // Only the base offset and the leader epoch, outside the CRC, were stamped.
        Assert.Equal(batch.AsSpan(L.CrcStart).ToArray(), ReadStored(f, "codec").AsSpan(L.CrcStart).ToArray());
    }

    [Fact]
    public async Task An_idempotent_batch_recompressed_keeps_its_producer_and_its_retry_is_a_duplicate()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("codec", configs: [new("compression.type", "lz4")]);
        await ProduceAsync(f, "codec", Records(CompressionType.None, count: 3).Build());
        RecordBatchBuilder builder = Records(CompressionType.Gzip, count: 10);
        builder.ProducerId = 4000;
        builder.ProducerEpoch = 1;
        builder.BaseSequence = 0;
        byte[] batch = builder.Build();

        ProduceResponse.PartitionProduceResponse first = await ProduceAsync(f, "codec", batch);
        ProduceResponse.PartitionProduceResponse retry = await ProduceAsync(f, "codec", batch);

        Assert.Equal((0, 3L), (first.ErrorCode, first.BaseOffset));
        Assert.Equal((0, 3L), (retry.ErrorCode, retry.BaseOffset));
        Assert.Equal(13, f.Partition("codec").Log.LogEndOffset);
        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(ReadStored(f, "codec", 3),
            out RecordBatchHeader stored));
        Assert.Equal((CompressionType.Lz4, 4000L, (short)1, 0, 9),
            (stored.Compression, stored.ProducerId, stored.ProducerEpoch, stored.BaseSequence, stored.LastSequence));
    }

    [Fact]
    public async Task A_batch_that_inflates_past_max_message_bytes_is_refused_instead_of_recompressed()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("small", configs:
            [new("compression.type", "lz4"), new("max.message.bytes", "100000")]);
        var builder = new RecordBatchBuilder(CompressionType.Zstd);
        for (int i = 0; i < 64; i++) builder.Add(null, new byte[16 << 10], Now);

        ProduceResponse.PartitionProduceResponse result = await ProduceAsync(f, "small", builder.Build());

        Assert.Equal((short)ErrorCode.MessageTooLarge, result.ErrorCode);
        Assert.Equal(0, f.Partition("small").Log.LogEndOffset);
    }

    private static RecordBatchBuilder Records(CompressionType codec, int count)
    {
        var builder = new RecordBatchBuilder(codec);
        for (int i = 0; i < count; i++)
        {
            builder.Add(i % 3 == 0 ? null : [(byte)i], i % 5 == 0 ? null : System.Text.Encoding.UTF8.GetBytes(
                $"value {i % 4} {i}"), Now + i, i % 2 == 0 ? [new RecordHeader("h", [(byte)i])] : null);
        }
        return builder;
    }

    private static byte[] RecordsSection(byte[] batch)
    {
        using RecordBatchContent content = RecordBatch.ReadRecords(batch, 1 << 20);
        return content.Records.ToArray();
    }

    /// <summary>A batch as a client that gets its max timestamp wrong sends it (the CRC covers the wrong value).
    /// </summary>
    internal static byte[] WithMaxTimestamp(byte[] batch, long maxTimestamp)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(L.MaxTimestamp), maxTimestamp);
        RecordBatch.UpdateCrc(batch);
        return batch;
    }

    internal static byte[] ReadStored(HandlerFixture f, string topic, long offset = 0)
    {
        using LogReadResult read = f.Partition(topic).Log.Read(offset, 1 << 20);
        Assert.Equal(ReadStatus.Ok, read.Status);
        byte[] bytes = new byte[read.Length];
        read.CopyTo(bytes);
        return bytes;
    }

    internal static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(HandlerFixture f, string topic,
        byte[] batch)
    {
        var request = new ProduceRequest { Acks = 1, TimeoutMs = 1000 };
        request.TopicData.Add(new ProduceRequest.TopicProduceData
        {
            Name = topic,
            PartitionData =
            [
                new ProduceRequest.PartitionProduceData { Index = 0, Records = new ReadOnlySequence<byte>(batch) },
            ],
        });
        ProduceResponse response = await HandlerFixture.SendAsync<ProduceRequest, ProduceResponse>(
            new ProduceHandler(f.Replicas, f.Loader, f.Time), request, 11);
        return Assert.Single(Assert.Single(response.Responses).PartitionResponses);
    }
}
