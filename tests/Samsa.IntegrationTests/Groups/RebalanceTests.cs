using Confluent.Kafka;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests.Groups;

/// <summary>
/// Rebalances as clients see them from their callbacks: cooperative-sticky keeps what does not move, and a static
/// member (group.instance.id) that restarts within its session timeout gets its partitions back with no rebalance.
/// </summary>
public sealed class RebalanceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cooperative_sticky_moves_only_the_partitions_the_new_member_takes()
    {
        await using SamsaCluster cluster = await ClassicGroupTests.StartAsync();
        const string topic = "cooperative";
        await ClassicGroupTests.CreateTopicAsync(cluster, topic);
        var ledger = new GroupMember.Ledger();
        ConsumerConfig config = ClassicGroupTests.Config(cluster, "cooperative-group");
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;

        using var a = new GroupMember("a", config, topic, ledger);
        await Eventually.TrueAsync(() => a.Assignment.Count == 6, Deadline, "a to own all six partitions");
        TopicPartition[] first = Assert.Single(a.Assigned);

        using var b = new GroupMember("b", config, topic, ledger);
        await Eventually.TrueAsync(() => a.Assignment.Count == 3 && b.Assignment.Count == 3, Deadline,
            "a and b to own three partitions each");

        // a gave up exactly what b took, in one incremental revocation, and kept the rest throughout.
        TopicPartition[] revoked = [.. a.Revoked.SelectMany(r => r)];
        Assert.Equal(b.Assignment.OrderBy(tp => tp.Partition.Value), revoked.OrderBy(tp => tp.Partition.Value));
        Assert.Equal(6, first.Length);
        Assert.Empty(a.Assignment.Intersect(revoked));
        Assert.All(a.Assigned.Skip(1), Assert.Empty);   // later (incremental) assignments gave a nothing
        Assert.Empty(a.Errors);
        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task
        A_static_member_that_restarts_within_its_session_timeout_gets_its_partitions_back_without_a_rebalance()
    {
        await using SamsaCluster cluster = await ClassicGroupTests.StartAsync();
        const string topic = "static";
        await ClassicGroupTests.CreateTopicAsync(cluster, topic);
        var ledger = new GroupMember.Ledger();

        ConsumerConfig Static(string instance)
        {
            ConsumerConfig config = ClassicGroupTests.Config(cluster, "static-group");
            config.GroupInstanceId = instance;
            config.SessionTimeoutMs = 15_000;
            return config;
        }

        var a = new GroupMember("a", Static("instance-a"), topic, ledger);
        using var b = new GroupMember("b", Static("instance-b"), topic, ledger);
        await Eventually.TrueAsync(() => a.Assignment.Count == 3 && b.Assignment.Count == 3, Deadline,
            "a and b to own three partitions each");
        TopicPartition[] ofA = [.. a.Assignment.OrderBy(tp => tp.Partition.Value)];
        // Either member may join first and hold all six until the other joins: that first rebalance is not the
        // restart's, so b's history counts from here.
        int assignedToB = b.Assigned.Count;
        int revokedFromB = b.Revoked.Count;
        int generation = BrokerState.DescribeGroup(cluster, "static-group")!.Epoch;

        // a's process dies; a new one with the same instance id starts well inside the 15 s session timeout.
        await a.VanishAsync();
        a.Dispose();
        using var restarted = new GroupMember("a2", Static("instance-a"), topic, ledger);
        await Eventually.TrueAsync(() => restarted.Assignment.Count == 3, Deadline,
            "the restarted a to get partitions");
        Assert.Equal(ofA, restarted.Assignment.OrderBy(tp => tp.Partition.Value));

        // b has heartbeated since, so it would have been told of a rebalance, and the coordinator kept the group
        // Stable at its generation (a rebalance moves it); b saw nothing: no revocation, no new assignment.
        GroupSnapshot after = await BrokerState.NextHeartbeatAsync(cluster, "static-group", "instance-b", Deadline);
        Assert.Equal(Samsa.Broker.Groups.GroupState.Stable, after.State);
        Assert.Equal(generation, after.Epoch);
        Assert.Equal(revokedFromB, b.Revoked.Count);
        Assert.Equal(assignedToB, b.Assigned.Count);
        Assert.Equal(3, b.Assignment.Count);
        Assert.Empty(restarted.Errors);
    }
}
