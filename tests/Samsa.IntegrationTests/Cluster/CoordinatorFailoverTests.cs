using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// A consumer group whose coordinator dies: __consumer_offsets is replicated on both brokers, so the other one takes
/// the group's partition over, loads the committed offsets, and the consumer goes on from them. OS processes and a
/// real consumer; node 2 (the coordinator, by choice of group id) is SIGKILLed midway.
/// </summary>
public sealed class CoordinatorFailoverTests(ITestOutputHelper output)
{
    private const string Topic = "grouped";
    private const int Partitions = 6;
    private const int Messages = 600;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_group_keeps_consuming_across_the_kill_of_its_coordinator_from_its_committed_offsets()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2,
            configure: FailoverTests.FastFencing);
        await FailoverTests.CreateTopicAsync(cluster, Topic, Partitions, 2);
        await ProduceAsync(cluster, 0, Messages);
        string group = await GroupCoordinatedByAsync(cluster, 2);

        var seen = new HashSet<int>();
        using (IConsumer<string, string> consumer = Consumer(cluster, group))
        {
            consumer.Subscribe(Topic);
            ConsumeUntil(consumer, seen, Messages / 3);
            await cluster.Node(2).KillAsync();
            ConsumeUntil(consumer, seen, Messages);
            consumer.Close();
        }
        Assert.Equal(Messages, seen.Count);

        // The offsets committed through both coordinators are where a new member of the group starts.
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            ListConsumerGroupOffsetsResult committed = Assert.Single(await admin.ListConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitions(group, null)]));
            Assert.Equal(Messages, committed.Partitions.Sum(p => p.Offset.Value));
            output.WriteLine($"committed after the failover: {string.Join(", ", committed.Partitions)}");
        }
        await ProduceAsync(cluster, Messages, 60);
        var later = new HashSet<int>();
        using (IConsumer<string, string> consumer = Consumer(cluster, group))
        {
            consumer.Subscribe(Topic);
            ConsumeUntil(consumer, later, 60);
            consumer.Close();
        }
        Assert.Equal(Enumerable.Range(Messages, 60).ToHashSet(), later);
    }

    [Fact]
    public async Task Offsets_created_on_one_broker_grow_onto_the_second_when_it_joins()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2, start: false);
        await cluster.Node(1).StartAsync();
        using (IAdminClient admin = cluster.CreateAdmin(cluster.Node(1).BootstrapServers))
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "early", NumPartitions = 1,
                ReplicationFactor = 1 }]);
        }
        using (IConsumer<string, string> early = Consumer(cluster, "early", cluster.Node(1).BootstrapServers))
        {
            // A group before the second broker exists: __consumer_offsets is created with one replica.
            early.Subscribe("early");
            await Eventually.TrueAsync(() =>
            {
                early.Consume(TimeSpan.FromMilliseconds(200));
                return FailoverTests.LeadersOf(cluster, "__consumer_offsets", cluster.Node(1).BootstrapServers)
                    .Count == 50;
            }, Deadline, "__consumer_offsets to be created on node 1");
            early.Close();
        }

        await cluster.Node(2).StartAsync();
        await FailoverTests.WaitAsync(cluster, () => FailoverTests.IsrsHold(cluster, 2, "__consumer_offsets"),
            "every partition of __consumer_offsets to have node 2 in its ISR");
    }

    // Offsets are committed after every record is handled: what a restarted member resumes from.
    private static void ConsumeUntil(IConsumer<string, string> consumer, HashSet<int> seen, int count)
    {
        DateTime until = DateTime.UtcNow + Deadline;
        while (seen.Count < count)
        {
            Assert.True(DateTime.UtcNow < until, $"consumed {seen.Count} of {count} distinct values");
            ConsumeResult<string, string>? result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message is null) continue;
            seen.Add(int.Parse(result.Message.Value, System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                consumer.Commit(result);
            }
            catch (KafkaException)
            {
                // The coordinator is moving: the next commit carries this position too.
            }
        }
    }

    private static IConsumer<string, string> Consumer(ProcessCluster cluster, string group,
        string? bootstrap = null) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap ?? cluster.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 1000,
        }).SetLogHandler((_, _) => { }).Build();

    private static async Task ProduceAsync(ProcessCluster cluster, int from, int count)
    {
        using IProducer<string, string> producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers, Acks = Acks.All, EnableIdempotence = true,
        }).Build();
        for (int i = from; i < from + count; i++)
        {
            producer.Produce(new TopicPartition(Topic, i % Partitions),
                new Message<string, string> { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        Assert.Equal(0, producer.Flush(Deadline));
        await Task.CompletedTask;
    }

    // Group ids hash to partitions of __consumer_offsets: the first whose partition prefers node 2 (first in its
    // replica list) is coordinated by it once node 2 leads that partition, which a preferred election ensures (a
    // heartbeat late under load may have moved the leadership away).
    private static async Task<string> GroupCoordinatedByAsync(ProcessCluster cluster, int brokerId)
    {
        const string offsets = "__consumer_offsets";
        using (IConsumer<string, string> probe = Consumer(cluster, "probe"))
        {
            // Looking the coordinator up creates __consumer_offsets (replicated on both brokers) on first use.
            probe.Subscribe(Topic);
            await Eventually.TrueAsync(() =>
            {
                probe.Consume(TimeSpan.FromMilliseconds(100));
                return FailoverTests.LeadersOf(cluster, offsets).Count == 50;
            }, Deadline, "every partition of __consumer_offsets to have a leader");
            probe.Close();
        }
        using IAdminClient admin = cluster.CreateAdmin();
        List<PartitionMetadata> partitions = await Eventually.ValueAsync(
            () => admin.GetMetadata(offsets, TimeSpan.FromSeconds(10)).Topics[0].Partitions,
            ps => ps.Count == 50 && ps.All(p => p.Replicas.Length == 2), Deadline,
            "Metadata to list every partition of __consumer_offsets with two replicas");
        PartitionMetadata At(string g) =>
            partitions.Single(p => p.PartitionId == Samsa.Broker.Groups.GroupHash.PartitionFor(g, 50));
        string[] groups = [.. Enumerable.Range(0, 1000).Select(i => $"group-{i}")];
        string group = groups.FirstOrDefault(g => At(g).Leader == brokerId)
            ?? groups.First(g => At(g).Replicas[0] == brokerId);
        int partition = Samsa.Broker.Groups.GroupHash.PartitionFor(group, 50);
        try
        {
            await admin.ElectLeadersAsync(ElectionType.Preferred, [new TopicPartition(offsets, partition)]);
        }
        catch (ElectLeadersException)
        {
            // ELECTION_NOT_NEEDED: node 2 leads it already.
        }
        await FailoverTests.WaitAsync(cluster,
            () => FailoverTests.LeadersOf(cluster, offsets).GetValueOrDefault(partition) == brokerId,
            $"node {brokerId} to lead {offsets}-{partition}");
        return group;
    }
}
