using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;
using Codec = Samsa.Protocol.Compression.CompressionType;
using ErrorCode = Samsa.Protocol.ErrorCode;

namespace Samsa.IntegrationTests;

/// <summary>
/// Topics with a compression.type other than producer: the leader stores every batch with the topic's codec, which
/// a raw Fetch shows in the stored batches' attributes, and clients read the records back unchanged.
/// </summary>
public sealed class CompressionTypeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_codec_a_topic_names_is_the_codec_it_stores_whatever_the_producer_sent()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        (string CompressionType, Codec Stored, CompressionType Producer, bool Idempotent)[] cases =
        [
            ("uncompressed", Codec.None, CompressionType.Lz4, true),
            ("gzip", Codec.Gzip, CompressionType.Zstd, false),
            ("snappy", Codec.Snappy, CompressionType.None, true),
            ("lz4", Codec.Lz4, CompressionType.Gzip, false),
            ("zstd", Codec.Zstd, CompressionType.Snappy, true),
        ];
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            await Within(admin.CreateTopicsAsync([.. cases.Select(c => new TopicSpecification
            {
                Name = "stored-" + c.CompressionType,
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new Dictionary<string, string> { ["compression.type"] = c.CompressionType },
            })], new CreateTopicsOptions { RequestTimeout = Deadline }));
        }
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);

        foreach ((string compressionType, Codec stored, CompressionType producerCodec, bool idempotent) in cases)
        {
            string topic = "stored-" + compressionType;
            ProduceValues(cluster, topic, producerCodec, idempotent, count: 300);

            List<RecordBatchHeader> batches = await RawRequests.FetchBatchesAsync(raw, topic);
            output.WriteLine($"{topic}: {producerCodec} from the producer (idempotent: {idempotent}), stored as "
                + string.Join(", ", batches.Select(b => $"{(Codec)(b.Attributes & 0x07)} ({b.RecordCount})")));
            Assert.NotEmpty(batches);
            Assert.All(batches, b => Assert.Equal(stored, (Codec)(b.Attributes & 0x07)));
            Assert.All(batches, b => Assert.Equal(idempotent, b.HasProducerId));
            Assert.Equal(300, batches.Sum(b => b.RecordCount));
            ConsumeValues(cluster, topic, count: 300);
        }
    }

    [Fact]
    public async Task A_retried_idempotent_batch_is_recompressed_and_still_answered_as_the_original()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        await CreateTopicAsync(cluster, "retried", ("compression.type", "lz4"));
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);
        InitProducerIdResponse producer = await RawRequests.SendAsync<InitProducerIdResponse>(raw,
            Samsa.Protocol.ApiKey.InitProducerId, 1, new InitProducerIdRequest { TransactionalId = null });
        Assert.Equal(0, producer.ErrorCode);
        var builder = new RecordBatchBuilder(Codec.None)
        {
            ProducerId = producer.ProducerId,
            ProducerEpoch = producer.ProducerEpoch,
            BaseSequence = 0,
        };
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < 5; i++) builder.Add(null, Encoding.UTF8.GetBytes($"value {i}"), now + i);
        byte[] batch = builder.Build();

        ProduceResponse.PartitionProduceResponse first = await RawRequests.ProduceAsync(raw, "retried", batch);
        ProduceResponse.PartitionProduceResponse retry = await RawRequests.ProduceAsync(raw, "retried", batch);

        Assert.Equal((0, 0L), (first.ErrorCode, first.BaseOffset));
        Assert.Equal((0, 0L), (retry.ErrorCode, retry.BaseOffset));
        RecordBatchHeader stored = Assert.Single(await RawRequests.FetchBatchesAsync(raw, "retried"));
        Assert.Equal((Codec.Lz4, producer.ProducerId, producer.ProducerEpoch, 0, 4),
            (stored.Compression, stored.ProducerId, stored.ProducerEpoch, stored.BaseSequence, stored.LastSequence));
        ListOffsetsResponse.ListOffsetsPartitionResponse end = await RawRequests.ListOffsetAsync(raw, "retried", -1);
        Assert.Equal(5, end.Offset);
        ConsumeValues(cluster, "retried", count: 5);
    }

    [Fact]
    public async Task A_batch_that_inflates_past_max_message_bytes_is_refused_and_the_next_one_stored()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        await CreateTopicAsync(cluster, "bounded", ("compression.type", "lz4"), ("max.message.bytes", "100000"));
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var bomb = new RecordBatchBuilder(Codec.Gzip);
        for (int i = 0; i < 64; i++) bomb.Add(null, new byte[16 << 10], now);
        byte[] inflating = bomb.Build();
        Assert.True(inflating.Length < 100_000, $"the gzip batch takes {inflating.Length} bytes");

        ProduceResponse.PartitionProduceResponse refused = await RawRequests.ProduceAsync(raw, "bounded", inflating);
        ProduceResponse.PartitionProduceResponse accepted = await RawRequests.ProduceAsync(raw, "bounded",
            new RecordBatchBuilder(Codec.Gzip).Add(null, new byte[50_000], now).Build());

        output.WriteLine($"{inflating.Length} bytes inflating to 1 MiB: {(ErrorCode)refused.ErrorCode} "
            + $"\"{refused.ErrorMessage}\"");
        Assert.Equal((short)ErrorCode.MessageTooLarge, refused.ErrorCode);
        Assert.Equal((0, 0L), (accepted.ErrorCode, accepted.BaseOffset));
        Assert.Equal(Codec.Lz4, Assert.Single(await RawRequests.FetchBatchesAsync(raw, "bounded")).Compression);
    }

    [Fact]
    public async Task Alter_and_incremental_alter_configs_change_the_codec_of_the_next_batches()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        await CreateTopicAsync(cluster, "altered");
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);
        using IAdminClient admin = cluster.CreateAdmin();
        var topic = new ConfigResource { Type = ResourceType.Topic, Name = "altered" };

        ProduceValues(cluster, "altered", CompressionType.Snappy, idempotent: false, count: 10);
        await Within(admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [topic] = [new ConfigEntry { Name = "compression.type", Value = "zstd" }],
        }, new AlterConfigsOptions { RequestTimeout = Deadline }));
        ProduceValues(cluster, "altered", CompressionType.Snappy, idempotent: false, count: 10, from: 10);
        await Within(admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [topic] =
            [
                new ConfigEntry
                {
                    Name = "compression.type", Value = "gzip", IncrementalOperation = AlterConfigOpType.Set,
                },
                new ConfigEntry
                {
                    Name = "compression.gzip.level", Value = "9", IncrementalOperation = AlterConfigOpType.Set,
                },
            ],
        }, new IncrementalAlterConfigsOptions { RequestTimeout = Deadline }));
        ProduceValues(cluster, "altered", CompressionType.Snappy, idempotent: false, count: 10, from: 20);

        // Under producer, librdkafka's batches stay as it sent them: snappy, or none where snappy did not shrink them.
        List<RecordBatchHeader> batches = await RawRequests.FetchBatchesAsync(raw, "altered");
        output.WriteLine(string.Join(", ", batches.Select(b => $"{b.BaseOffset}: {b.Compression}")));
        Assert.All(batches.Where(b => b.BaseOffset < 10),
            b => Assert.Contains(b.Compression, new[] { Codec.Snappy, Codec.None }));
        Assert.All(batches.Where(b => b.BaseOffset is >= 10 and < 20), b => Assert.Equal(Codec.Zstd, b.Compression));
        Assert.All(batches.Where(b => b.BaseOffset >= 20), b => Assert.Equal(Codec.Gzip, b.Compression));
        Assert.Equal(30, batches.Sum(b => b.RecordCount));
        List<DescribeConfigsResult> described = await Within(admin.DescribeConfigsAsync([topic],
            new DescribeConfigsOptions { RequestTimeout = Deadline }));
        Assert.Equal("gzip", Assert.Single(described).Entries["compression.type"].Value);
        Assert.Equal("9", Assert.Single(described).Entries["compression.gzip.level"].Value);
        ConsumeValues(cluster, "altered", count: 30);
    }

    private static void ProduceValues(SamsaCluster cluster, string topic, CompressionType codec, bool idempotent,
        int count, int from = 0)
    {
        using IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer(c =>
        {
            c.CompressionType = codec;
            c.EnableIdempotence = idempotent;
            c.LingerMs = 20;
        });
        for (int i = from; i < from + count; i++)
        {
            producer.Produce(topic, new Message<byte[]?, byte[]?>
            {
                Key = i % 3 == 0 ? null : Encoding.UTF8.GetBytes("key " + i),
                Value = Encoding.UTF8.GetBytes($"compressible value {i % 7} {i}"),
                Headers = i % 2 == 0 ? new Headers { { "n", BitConverter.GetBytes(i) } } : null,
            });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
    }

    private static void ConsumeValues(SamsaCluster cluster, string topic, int count)
    {
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer(c => c.CheckCrcs = true);
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        for (int i = 0; i < count; i++)
        {
            ConsumeResult<byte[]?, byte[]?>? received = consumer.Consume(Deadline);
            Assert.True(received is not null, $"{topic}: message {i} did not arrive within {Deadline}");
            Assert.Equal(i, received.Offset.Value);
            string value = Encoding.UTF8.GetString(received.Message.Value!);
            if (value.StartsWith("compressible", StringComparison.Ordinal))
            {
                Assert.Equal($"compressible value {i % 7} {i}", value);
                Assert.Equal(i % 3 == 0 ? null : Encoding.UTF8.GetBytes("key " + i), received.Message.Key);
                Assert.Equal(i % 2 == 0 ? 1 : 0, received.Message.Headers?.Count ?? 0);
            }
            else
            {
                Assert.Equal($"value {i}", value);
            }
        }
    }

    private static async Task CreateTopicAsync(SamsaCluster cluster, string name,
        params (string Key, string Value)[] configs)
    {
        using IAdminClient admin = cluster.CreateAdmin();
        await Within(admin.CreateTopicsAsync(
            [
                new TopicSpecification
                {
                    Name = name,
                    NumPartitions = 1,
                    ReplicationFactor = 1,
                    Configs = configs.ToDictionary(c => c.Key, c => c.Value),
                },
            ], new CreateTopicsOptions { RequestTimeout = Deadline }));
    }

    private static Task Within(Task task) => task.WaitAsync(Deadline, Ct);

    private static Task<T> Within<T>(Task<T> task) => task.WaitAsync(Deadline, Ct);
}
