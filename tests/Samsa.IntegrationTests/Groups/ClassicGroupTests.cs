using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests.Groups;

/// <summary>
/// Confluent.Kafka consumers in a group on the classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
/// OffsetCommit, OffsetFetch) against a real Samsa broker.
/// </summary>
public sealed class ClassicGroupTests
{
    private const int Partitions = 6;
    private const int PerPartition = 50;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static Task<SamsaCluster> StartAsync(string? dataDir = null) => SamsaCluster.StartAsync(props =>
    {
        props["group.initial.rebalance.delay.ms"] = "0";
        props["group.min.session.timeout.ms"] = "1000";
        props["offsets.topic.num.partitions"] = "5";
    }, dataDir);

    internal static ConsumerConfig Config(SamsaCluster cluster, string group, string protocol = "classic")
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SocketTimeoutMs = 10_000,
        };
        if (protocol == "consumer")
        {
            // Session timeout and heartbeat interval are the broker's under KIP-848.
            config.GroupProtocol = GroupProtocol.Consumer;
        }
        else
        {
            config.GroupProtocol = GroupProtocol.Classic;
            config.SessionTimeoutMs = 4000;
            config.HeartbeatIntervalMs = 300;
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
        }
        return config;
    }

    internal static async Task CreateAndFillAsync(SamsaCluster cluster, string topic)
    {
        await CreateTopicAsync(cluster, topic);
        Fill(cluster, topic);
    }

    internal static async Task CreateTopicAsync(SamsaCluster cluster, string topic)
    {
        using IAdminClient admin = cluster.CreateAdmin();
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = topic, NumPartitions = Partitions, ReplicationFactor = 1 }]);
    }

    internal static void Fill(SamsaCluster cluster, string topic, int perPartition = PerPartition)
    {
        using IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer();
        for (int p = 0; p < Partitions; p++)
        {
            for (int i = 0; i < perPartition; i++)
            {
                producer.Produce(new TopicPartition(topic, p),
                    new Message<byte[]?, byte[]?> { Value = [(byte)p, (byte)i] });
            }
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Two_consumers_split_six_partitions_and_the_survivor_owns_all_after_the_other_closes()
    {
        await using SamsaCluster cluster = await StartAsync();
        await SplitThenOneLeavesAsync(cluster, "classic", vanish: false);
    }

    [Fact]
    public async Task
        A_member_that_vanishes_loses_its_partitions_after_its_session_timeout_and_only_uncommitted_messages_come_again()
    {
        await using SamsaCluster cluster = await StartAsync();
        await SplitThenOneLeavesAsync(cluster, "classic", vanish: true);
    }

    internal static async Task SplitThenOneLeavesAsync(SamsaCluster cluster, string protocol, bool vanish)
    {
        string topic = $"split-{protocol}-{(vanish ? "vanish" : "close")}";
        await CreateTopicAsync(cluster, topic);
        var ledger = new GroupMember.Ledger();
        string group = topic + "-group";
        using var a = new GroupMember("a", Config(cluster, group, protocol), topic, ledger);
        using var b = new GroupMember("b", Config(cluster, group, protocol), topic, ledger);

        await Eventually.TrueAsync(() => a.Assignment.Count == 3 && b.Assignment.Count == 3, Deadline,
            "both members to own three partitions");
        Assert.Empty(a.Assignment.Intersect(b.Assignment));
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            DescribeConsumerGroupsResult described = await admin.DescribeConsumerGroupsAsync([group],
                new DescribeConsumerGroupsOptions { RequestTimeout = TimeSpan.FromSeconds(20) });
            ConsumerGroupDescription description = Assert.Single(described.ConsumerGroupDescriptions);
            Assert.Equal(protocol == "consumer" ? "uniform" : "range", description.PartitionAssignor);
            Assert.Equal(2, description.Members.Count);
        }
        // Half the messages, consumed and committed by both; then a takes the other half of its partitions, without
        // committing in the vanish case, so they are delivered but uncommitted when it goes.
        Fill(cluster, topic, PerPartition / 2);
        await Eventually.TrueAsync(() => ledger.DeliveredCount == Partitions * PerPartition / 2, Deadline,
            "the first half to be consumed");
        Assert.NotEmpty(a.Consumed);
        Assert.NotEmpty(b.Consumed);
        await b.PauseAsync();   // b's last poll has finished
        if (vanish) a.Committing = false;
        int before = a.Consumed.Count;
        Fill(cluster, topic, PerPartition / 2);
        await Eventually.TrueAsync(() => a.Consumed.Count >= before + 5, Deadline, "a to consume more");
        await a.PauseAsync();   // a's last poll has finished: what it consumed and committed stays as read below
        var uncommittedOfA = a.Consumed.Where(c => c.Offset >= ledger.CommittedFor(c.Partition)).ToList();
        if (vanish) Assert.NotEmpty(uncommittedOfA);

        var stopwatch = Stopwatch.StartNew();
        if (vanish) await a.VanishAsync();
        else await a.CloseAsync();
        b.Paused = false;

        await Eventually.TrueAsync(() => b.Assignment.Count == Partitions, Deadline, "b to own all six partitions");
        if (vanish)
        {
            Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(3),
                $"b took over after {stopwatch.Elapsed}, before a's 4 s session timeout could have passed");
        }
        await Eventually.TrueAsync(() => ledger.DeliveredCount == Partitions * PerPartition, Deadline,
            "every message to be delivered");

        // What a had consumed without committing comes again, to b.
        await Eventually.TrueAsync(() => uncommittedOfA.All(b.Consumed.Contains), Deadline,
            "b to consume what a had not committed");
        Assert.Empty(ledger.Violations);
        Assert.Empty(a.Errors);
        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task Committed_offsets_survive_a_broker_restart_and_a_new_member_resumes_from_them()
    {
        await using SamsaCluster cluster = await StartAsync();
        const string topic = "restart-offsets";
        await CreateAndFillAsync(cluster, topic);
        var ledger = new GroupMember.Ledger();
        using (var first = new GroupMember("first", Config(cluster, "restart-group"), topic, ledger))
        {
            await Eventually.TrueAsync(() => first.Consumed.Count >= 100, Deadline, "the first member to consume");
            await first.PauseAsync();
            await first.CloseAsync();
        }
        var committed = Enumerable.Range(0, Partitions).ToDictionary(p => p, ledger.CommittedFor);
        Assert.True(committed.Values.Sum() >= 100);

        await cluster.RestartAsync();

        using (IConsumer<byte[]?, byte[]?> probe = cluster.CreateConsumer(c => c.GroupId = "restart-group"))
        {
            List<TopicPartitionOffset> stored = probe.Committed(
                [.. Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topic, p))],
                TimeSpan.FromSeconds(30));
            foreach (TopicPartitionOffset offset in stored)
            {
                long expected = committed[offset.Partition.Value];
                Assert.Equal(expected == 0 ? Offset.Unset : new Offset(expected), offset.Offset);
            }
        }

        var ledger2 = new GroupMember.Ledger();
        for (int p = 0; p < Partitions; p++) ledger2.OnCommitted(p, committed[p]);
        using var second = new GroupMember("second", Config(cluster, "restart-group"), topic, ledger2);
        int remaining = Partitions * PerPartition - (int)committed.Values.Sum();
        await Eventually.TrueAsync(() => second.Consumed.Count >= remaining, Deadline, "the rest to be consumed");
        Assert.Empty(ledger2.Violations);
        Assert.Equal(remaining, second.Consumed.Count);
    }
}
