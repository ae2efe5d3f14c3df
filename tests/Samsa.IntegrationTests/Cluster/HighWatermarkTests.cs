using Confluent.Kafka;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol.Records;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// What consumers may see, and when acks=all is refused, decided by the ISR and nothing else: with OS processes, node
/// 1 (broker and controller) leading a partition that node 2 follows.
/// </summary>
public sealed class HighWatermarkTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<int, List<int>> LedByNode1 = new() { [0] = [1, 2] };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_write_the_paused_follower_has_not_fetched_is_invisible_until_it_fetches_it()
    {
        // Sessions and lag limits far longer than the test: the paused follower stays registered and in the ISR.
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2, configure: (_, s) =>
        {
            s["broker.session.timeout.ms"] = "120000";
            s["replica.lag.time.max.ms"] = "120000";
        });
        const string topic = "visible";
        await FailoverTests.CreateTopicAsync(cluster, topic, 1, 2, assignment: LedByNode1);
        string leader = cluster.Node(1).BootstrapServers;
        using IProducer<string, string> producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = leader, Acks = Acks.Leader, LingerMs = 0,
        }).Build();
        // acks=1 without idempotence: a retry under load may write a value twice, so offsets are read, not assumed.
        DeliveryResult<string, string> first =
            await producer.ProduceAsync(topic, new Message<string, string> { Value = "replicated" }, Ct);
        using IConsumer<string, string> consumer = Consumer(leader);
        await Eventually.TrueAsync(() => High(consumer, topic) == first.Offset.Value + 1, Deadline,
            "the first write to be replicated");

        cluster.Node(2).Pause();
        try
        {
            DeliveryResult<string, string> written =
                await producer.ProduceAsync(topic, new Message<string, string> { Value = "leader only" }, Ct);
            long offset = written.Offset.Value;
            Assert.Equal(offset, High(consumer, topic));   // ListOffsets LATEST: the high watermark, not the log end
            consumer.Assign(new TopicPartitionOffset(topic, 0, offset));
            Assert.Null(consumer.Consume(TimeSpan.FromSeconds(2))?.Message);
        }
        finally
        {
            cluster.Node(2).Resume();
        }
        ConsumeResult<string, string>? seen = await Eventually.ValueAsync(
            () => consumer.Consume(TimeSpan.FromMilliseconds(500)), r => r?.Message is not null, Deadline,
            "the write to be fetched once the follower has it");
        Assert.Equal("leader only", seen!.Message.Value);
        Assert.True(High(consumer, topic) > seen.Offset.Value);
    }

    [Fact]
    public async Task Acks_all_below_min_insync_replicas_is_refused_until_the_follower_returns()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2,
            configure: FailoverTests.FastFencing);
        const string topic = "guarded";
        await FailoverTests.CreateTopicAsync(cluster, topic, 1, 2, new() { ["min.insync.replicas"] = "2" },
            LedByNode1);
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(cluster.Node(1).BootstrapServers);
        Assert.Equal(0, (await RawRequests.ProduceAsync(raw, topic, Batch("both"))).ErrorCode);

        await cluster.Node(2).KillAsync();
        await FailoverTests.WaitAsync(cluster, () => !FailoverTests.IsrsHold(cluster, 2, topic),
            "node 2 to leave the ISR");
        var refused = await RawRequests.ProduceAsync(raw, topic, Batch("refused"));
        Assert.Equal((short)ErrorCode.NotEnoughReplicas, refused.ErrorCode);
        // acks=1 is still taken, but stays invisible below min.insync.replicas (KIP-966).
        Assert.Equal(0, (await RawRequests.ProduceAsync(raw, topic, Batch("leader only"), acks: 1)).ErrorCode);
        using IConsumer<string, string> consumer = Consumer(cluster.Node(1).BootstrapServers);
        Assert.Equal(1, High(consumer, topic));

        await cluster.Node(2).RestartAsync();
        await FailoverTests.WaitAsync(cluster, () => FailoverTests.IsrsHold(cluster, 2, topic),
            "node 2 back in the ISR");
        Assert.Equal(0, (await RawRequests.ProduceAsync(raw, topic, Batch("accepted"))).ErrorCode);
        Assert.Equal(3, High(consumer, topic));
    }

    private static byte[] Batch(string value) =>
        new RecordBatchBuilder().Add(null, System.Text.Encoding.UTF8.GetBytes(value),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Build();

    private static IConsumer<string, string> Consumer(string bootstrap) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "unused",
            EnableAutoCommit = false,
        }).Build();

    private static long High(IConsumer<string, string> consumer, string topic) =>
        consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(5)).High.Value;
}
