using Confluent.Kafka;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests.Groups;

/// <summary>
/// The same group scenarios as <see cref="ClassicGroupTests"/> with group.protocol=consumer (KIP-848:
/// ConsumerGroupHeartbeat, assignment by the coordinator).
/// </summary>
public sealed class ConsumerProtocolTests
{
    internal static Task<SamsaCluster> StartAsync() => SamsaCluster.StartAsync(props =>
    {
        props["group.initial.rebalance.delay.ms"] = "0";
        props["offsets.topic.num.partitions"] = "5";
        props["group.consumer.session.timeout.ms"] = "4000";
        props["group.consumer.heartbeat.interval.ms"] = "300";
    });

    [Fact]
    public async Task Two_consumers_split_six_partitions_and_the_survivor_owns_all_after_the_other_closes()
    {
        await using SamsaCluster cluster = await StartAsync();
        await ClassicGroupTests.SplitThenOneLeavesAsync(cluster, "consumer", vanish: false);
    }

    [Fact]
    public async Task
        A_member_that_vanishes_loses_its_partitions_after_its_session_timeout_and_only_uncommitted_messages_come_again()
    {
        await using SamsaCluster cluster = await StartAsync();
        await ClassicGroupTests.SplitThenOneLeavesAsync(cluster, "consumer", vanish: true);
    }

    [Fact]
    public async Task
        A_static_member_that_restarts_within_its_session_timeout_gets_its_partitions_back_without_a_rebalance()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(props =>
        {
            props["offsets.topic.num.partitions"] = "5";
            props["group.consumer.session.timeout.ms"] = "30000";
            props["group.consumer.heartbeat.interval.ms"] = "300";
        });
        const string topic = "static-consumer";
        await ClassicGroupTests.CreateTopicAsync(cluster, topic);
        var ledger = new GroupMember.Ledger();

        ConsumerConfig Static(string instance)
        {
            ConsumerConfig config = ClassicGroupTests.Config(cluster, "static-consumer-group", "consumer");
            config.GroupInstanceId = instance;
            return config;
        }

        var a = new GroupMember("a", Static("instance-a"), topic, ledger);
        using var b = new GroupMember("b", Static("instance-b"), topic, ledger);
        await Eventually.TrueAsync(() => a.Assignment.Count == 3 && b.Assignment.Count == 3, TimeSpan.FromSeconds(60),
            "a and b to own three partitions each");
        TopicPartition[] ofA = [.. a.Assignment.OrderBy(tp => tp.Partition.Value)];
        int assignedToB = b.Assigned.Count;
        int revokedFromB = b.Revoked.Count;
        string assignmentOfB = BrokerState.DescribeGroup(cluster, "static-consumer-group")!.Instance("instance-b")
            .Assignment;

        // a stops (a static member leaves with epoch -2) and a new process with the same instance id starts.
        await a.CloseAsync();
        a.Dispose();
        using var restarted = new GroupMember("a2", Static("instance-a"), topic, ledger);
        await Eventually.TrueAsync(() => restarted.Assignment.Count == 3, TimeSpan.FromSeconds(60),
            "the restarted a to get partitions");
        Assert.Equal(ofA, restarted.Assignment.OrderBy(tp => tp.Partition.Value));
        // b has caught up with the group's epoch and heartbeated since, so it has been told whatever the restart
        // changed for it, and the coordinator still assigns it the same partitions; b saw nothing.
        GroupSnapshot after = await BrokerState.NextHeartbeatAsync(cluster, "static-consumer-group", "instance-b",
            TimeSpan.FromSeconds(60));
        Assert.Equal(assignmentOfB, after.Instance("instance-b").Assignment);
        Assert.Equal(revokedFromB, b.Revoked.Count);
        Assert.Equal(assignedToB, b.Assigned.Count);
        Assert.Equal(3, b.Assignment.Count);
        Assert.Empty(restarted.Errors);
    }
}
