using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests;

/// <summary>Confluent.Kafka producers and a manually assigned consumer against a real Samsa broker.</summary>
public sealed class ProduceConsumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_headers_null_values_and_timestamps_round_trip()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer();
        var sent = new List<Message<byte[]?, byte[]?>>();
        for (int i = 0; i < 10; i++)
        {
            var message = new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes("key-" + i),
                Value = i == 3 ? null : Encoding.UTF8.GetBytes("value-" + i),
                Timestamp = new Timestamp(1_700_000_000_000 + i, TimestampType.CreateTime),
                Headers = new Headers { { "h", Encoding.UTF8.GetBytes("v" + i) } },
            };
            sent.Add(message);
            DeliveryResult<byte[]?, byte[]?> delivered = await producer.ProduceAsync("round-trip", message, Ct);
            Assert.Equal(i, delivered.Offset.Value);
        }

        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        consumer.Assign(new TopicPartitionOffset("round-trip", 0, Offset.Beginning));
        for (int i = 0; i < sent.Count; i++)
        {
            ConsumeResult<byte[]?, byte[]?> received = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.NotNull(received);
            Assert.Equal(i, received.Offset.Value);
            Assert.Equal(sent[i].Key, received.Message.Key);
            Assert.Equal(sent[i].Value, received.Message.Value);
            Assert.Equal(sent[i].Timestamp.UnixTimestampMs, received.Message.Timestamp.UnixTimestampMs);
            Assert.Equal(sent[i].Headers[0].GetValueBytes(), received.Message.Headers[0].GetValueBytes());
        }
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Every_compression_codec_round_trips(CompressionType codec)
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        string topic = "codec-" + codec.ToString().ToLowerInvariant();
        using (IProducer<byte[]?, byte[]?> producer =
            cluster.CreateProducer(c => { c.CompressionType = codec; c.LingerMs = 20; }))
        {
            for (int i = 0; i < 200; i++)
            {
                byte[] value = Encoding.UTF8.GetBytes($"compressible value {i % 7} {i}");
                producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = value });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        }
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        for (int i = 0; i < 200; i++)
        {
            ConsumeResult<byte[]?, byte[]?> received = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.NotNull(received);
            Assert.Equal($"compressible value {i % 7} {i}", Encoding.UTF8.GetString(received.Message.Value!));
        }
    }

    // 1 MiB passes the broker's default message.max.bytes; 10 MiB, with it raised, is larger than the transport reads
    // ahead of a connection (4 MiB), and the request still arrives whole.
    [Theory]
    [InlineData(1, null)]
    [InlineData(10, "12582912")]
    public async Task A_large_message_is_accepted_and_read_back(int mebibytes, string? messageMaxBytes)
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(p =>
        {
            if (messageMaxBytes is not null) p["message.max.bytes"] = messageMaxBytes;
        });
        byte[] value = new byte[mebibytes * 1024 * 1024];
        new Random(5).NextBytes(value);
        using (IProducer<byte[]?, byte[]?> producer =
            cluster.CreateProducer(c => c.MessageMaxBytes = (mebibytes + 2) * 1024 * 1024))
        {
            await producer.ProduceAsync("large", new Message<byte[]?, byte[]?> { Value = value }, Ct);
        }
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        consumer.Assign(new TopicPartitionOffset("large", 0, Offset.Beginning));
        ConsumeResult<byte[]?, byte[]?> received = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.Equal(value, received.Message.Value);
    }

    [Fact]
    public async Task A_hundred_thousand_messages_arrive_in_order_per_partition()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(p => p["num.partitions"] = "4");
        const int count = 100_000;
        using (IProducer<byte[]?, byte[]?> producer =
            cluster.CreateProducer(c => { c.LingerMs = 10; c.Acks = Acks.Leader; }))
        {
            for (int i = 0; i < count; i++)
            {
                producer.Produce(new TopicPartition("ordered", i % 4),
                    new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(i) });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset("ordered", p, Offset.Beginning)));
        int[] last = [-4, -3, -2, -1];
        int received = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (received < count && DateTime.UtcNow < deadline)
        {
            ConsumeResult<byte[]?, byte[]?>? result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null) continue;
            int value = BitConverter.ToInt32(result.Message.Value!);
            int partition = result.Partition.Value;
            Assert.Equal(last[partition] + 4, value);
            last[partition] = value;
            received++;
        }
        Assert.Equal(count, received);
    }

    [Theory]
    [InlineData(Acks.None)]
    [InlineData(Acks.Leader)]
    [InlineData(Acks.All)]
    public async Task Every_acks_setting_stores_the_messages(Acks acks)
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer(c => c.Acks = acks))
        {
            for (int i = 0; i < 50; i++)
                producer.Produce("acks", new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(i) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        }
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        consumer.Assign(new TopicPartitionOffset("acks", 0, Offset.Beginning));
        for (int i = 0; i < 50; i++)
            Assert.Equal(i, BitConverter.ToInt32(consumer.Consume(TimeSpan.FromSeconds(10)).Message.Value!));
    }

    [Fact]
    public async Task Offsets_are_found_by_timestamp()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            for (int i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("by-time", new Message<byte[]?, byte[]?>
                {
                    Value = [(byte)i],
                    Timestamp = new Timestamp(1_700_000_000_000 + i * 1000, TimestampType.CreateTime),
                }, Ct);
            }
        }
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        List<TopicPartitionOffset> found = consumer.OffsetsForTimes(
            [new TopicPartitionTimestamp("by-time", 0, new Timestamp(1_700_000_004_500, TimestampType.CreateTime))],
            TimeSpan.FromSeconds(10));
        Assert.Equal(5, found[0].Offset.Value);
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            ListOffsetsResult max = await admin.ListOffsetsAsync(
                [
                    new TopicPartitionOffsetSpec
                    {
                        TopicPartition = new TopicPartition("by-time", 0), OffsetSpec = OffsetSpec.MaxTimestamp(),
                    },
                ]);
            Assert.Equal(9, max.ResultInfos[0].TopicPartitionOffsetError.Offset.Value);
        }
        WatermarkOffsets watermarks =
            consumer.QueryWatermarkOffsets(new TopicPartition("by-time", 0), TimeSpan.FromSeconds(10));
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(10, watermarks.High.Value);
    }

    [Fact]
    public async Task Everything_is_read_again_after_a_restart()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            for (int i = 0; i < 100; i++)
                producer.Produce("durable", new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(i) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        }
        await cluster.RestartAsync();
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        consumer.Assign(new TopicPartitionOffset("durable", 0, Offset.Beginning));
        for (int i = 0; i < 100; i++)
            Assert.Equal(i, BitConverter.ToInt32(consumer.Consume(TimeSpan.FromSeconds(10)).Message.Value!));
    }

    [Fact]
    public async Task A_message_produced_while_a_consumer_waits_is_delivered_in_well_under_100_ms()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer(c => c.LingerMs = 0);
        await producer.ProduceAsync("long-poll", new Message<byte[]?, byte[]?> { Value = [0] }, Ct);
        using IConsumer<byte[]?, byte[]?> consumer =
            cluster.CreateConsumer(c => { c.FetchWaitMaxMs = 5000; c.FetchMinBytes = 1; });
        consumer.Assign(new TopicPartitionOffset("long-poll", 0, Offset.Beginning));
        Assert.NotNull(consumer.Consume(TimeSpan.FromSeconds(10)));   // caught up; the next fetch waits

        var latencies = new List<double>();
        for (int i = 1; i <= 5; i++)
        {
            // The consumer's next fetch has reached the broker and is parked there, waiting for data.
            await Eventually.TrueAsync(() => BrokerState.WaitingFetches(cluster, "long-poll", 0) > 0,
                TimeSpan.FromSeconds(10), "the consumer's fetch to wait on long-poll-0");
            long sent = System.Diagnostics.Stopwatch.GetTimestamp();
            await producer.ProduceAsync("long-poll", new Message<byte[]?, byte[]?> { Value = [(byte)i] }, Ct);
            ConsumeResult<byte[]?, byte[]?> received = consumer.Consume(TimeSpan.FromSeconds(10));
            latencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            Assert.Equal((byte)i, received.Message.Value![0]);
        }
        latencies.Sort();
        Assert.True(latencies[2] < 100,
            $"median produce-to-consume latency {latencies[2]:F1} ms; all: {string.Join(", ", latencies)}");
    }
}
