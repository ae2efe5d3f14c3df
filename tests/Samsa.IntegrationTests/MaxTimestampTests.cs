using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;
using Codec = Samsa.Protocol.Compression.CompressionType;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.IntegrationTests;

/// <summary>
/// Batches as Sarama 1.22 writes them, MaxTimestamp -1 and negative timestamp deltas, sent as raw Produce requests:
/// ListOffsets by timestamp finds them, and a consumer that checks CRCs reads them.
/// </summary>
public sealed class MaxTimestampTests(ITestOutputHelper output)
{
    private const string Topic = "sarama";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_batch_without_its_max_timestamp_is_found_by_time_and_read_by_a_crc_checking_consumer()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 1 }],
                new CreateTopicsOptions { RequestTimeout = Deadline }).WaitAsync(Deadline, Ct);
        }
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000) - 60_000;
        // Offsets 0-9: ten records a second apart from start. Offsets 10-19, gzip: the first at start + 19 s, the
        // others at start + 10 s to 18 s, deltas negative from the first.
        var plain = new RecordBatchBuilder();
        for (int i = 0; i < 10; i++) plain.Add(null, Encoding.UTF8.GetBytes($"v{i}"), start + (i * 1000));
        var gzip = new RecordBatchBuilder(Codec.Gzip);
        gzip.Add(null, "v10"u8.ToArray(), start + 19_000);
        for (int i = 11; i < 20; i++) gzip.Add(null, Encoding.UTF8.GetBytes($"v{i}"), start + ((i - 1) * 1000));

        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);
        ProduceResponse.PartitionProduceResponse first =
            await RawRequests.ProduceAsync(raw, Topic, WithoutMaxTimestamp(plain.Build()), version: 3);
        ProduceResponse.PartitionProduceResponse second =
            await RawRequests.ProduceAsync(raw, Topic, WithoutMaxTimestamp(gzip.Build()), version: 3);
        Assert.Equal((0, 0L), (first.ErrorCode, first.BaseOffset));
        Assert.Equal((0, 10L), (second.ErrorCode, second.BaseOffset));

        foreach ((long at, long expected) in new[]
            { (start, 0L), (start + 9000, 9L), (start + 9001, 10L), (start + 19_000, 10L), (start + 19_001, -1L) })
        {
            ListOffsetsResponse.ListOffsetsPartitionResponse found = await RawRequests.ListOffsetAsync(raw, Topic, at);
            output.WriteLine($"ListOffsets v1 at start + {at - start} ms: offset {found.Offset}");
            Assert.Equal((0, expected), (found.ErrorCode, found.Offset));
        }
        List<RecordBatchHeader> stored = await RawRequests.FetchBatchesAsync(raw, Topic);
        Assert.Equal([start + 9000, start + 19_000], stored.Select(h => h.MaxTimestamp));

        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer(c => c.CheckCrcs = true);
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        for (int i = 0; i < 20; i++)
        {
            ConsumeResult<byte[]?, byte[]?>? received = consumer.Consume(Deadline);
            Assert.True(received is not null, $"message {i} did not arrive within {Deadline}");
            Assert.Equal(i, received.Offset.Value);
            Assert.Equal($"v{i}", Encoding.UTF8.GetString(received.Message.Value!));
            long timestamp = i < 10 ? start + (i * 1000) : i == 10 ? start + 19_000 : start + ((i - 1) * 1000);
            Assert.Equal(timestamp, received.Message.Timestamp.UnixTimestampMs);
        }
    }

    /// <summary>What Sarama 1.22 sends: MaxTimestamp -1, under a CRC that covers it.</summary>
    private static byte[] WithoutMaxTimestamp(byte[] batch)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(L.MaxTimestamp), RecordBatchHeader.NoTimestamp);
        RecordBatch.UpdateCrc(batch);
        return batch;
    }
}
