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

// The produce path decodes a batch only when it must: a max timestamp that cannot be right (Sarama 1.22 writes -1).
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

    /// <summary>A batch as a client that gets its max timestamp wrong sends it: the CRC covers the wrong value.</summary>
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
