using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests.Controller;

public sealed class InternalTopicGrowthTests
{
    private const string Offsets = "__consumer_offsets";

    private static MetadataControllerOptions Target(short replicationFactor) =>
        new() { OffsetsTopicReplicationFactor = replicationFactor };

    private static TopicImage Topic(ControllerFixture f, string name) => f.Image.Topics.ByName[name];

    [Fact]
    public async Task Offsets_topic_created_at_one_replica_grows_by_each_broker_that_joins_up_to_the_target()
    {
        await using var f = new ControllerFixture(Target(3));
        await f.StartBrokersAsync(1);
        Assert.Equal(ControllerStatus.Ok, (await f.CreateTopicAsync(Offsets, partitions: 5)).Status);
        TopicImage before = Topic(f, Offsets);

        await f.StartBrokersAsync(2);

        TopicImage two = Topic(f, Offsets);
        for (int p = 0; p < 5; p++)
        {
            PartitionRegistration was = before.Partitions[p];
            PartitionRegistration now = two.Partitions[p];
            Assert.Equal([1, 2], now.Replicas);
            Assert.Equal(was.Isr, now.Isr);
            Assert.Equal(was.Leader, now.Leader);
            Assert.Equal(was.LeaderEpoch, now.LeaderEpoch);
            Assert.Equal(was.PartitionEpoch + 1, now.PartitionEpoch);
        }

        await f.StartBrokersAsync(3);
        Assert.All(Topic(f, Offsets).Partitions, p => Assert.Equal([1, 2, 3], p.Replicas));
        Assert.All(Topic(f, Offsets).Partitions, p => Assert.Equal([1], p.Isr));

        int partitionEpoch = f.Partition(Offsets, 0).PartitionEpoch;
        await f.StartBrokersAsync(4);
        Assert.All(Topic(f, Offsets).Partitions, p => Assert.Equal([1, 2, 3], p.Replicas));
        Assert.Equal(partitionEpoch, f.Partition(Offsets, 0).PartitionEpoch);
    }

    [Fact]
    public async Task Offsets_topic_stops_growing_at_its_configured_replication_factor()
    {
        await using var f = new ControllerFixture(Target(2));
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync(Offsets, partitions: 3);
        await f.StartBrokersAsync(2);
        TopicImage two = Topic(f, Offsets);

        await f.StartBrokersAsync(3);

        TopicImage three = Topic(f, Offsets);
        for (int p = 0; p < 3; p++)
        {
            Assert.Equal([1, 2], three.Partitions[p].Replicas);
            Assert.Equal(two.Partitions[p].PartitionEpoch, three.Partitions[p].PartitionEpoch);
        }
    }

    [Fact]
    public async Task Regular_topic_never_grows()
    {
        await using var f = new ControllerFixture(Target(3));
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync("logs", partitions: 3);
        PartitionRegistration before = f.Partition("logs", 0);

        await f.StartBrokersAsync(2, 3);

        Assert.All(Topic(f, "logs").Partitions, p => Assert.Equal([1], p.Replicas));
        Assert.Equal(before.PartitionEpoch, f.Partition("logs", 0).PartitionEpoch);
    }

    [Fact]
    public async Task New_replicas_go_to_the_brokers_holding_the_fewest_replicas_of_the_topic()
    {
        await using var f = new ControllerFixture(Target(2));
        await f.StartBrokersAsync(1, 2, 3);
        await f.CreateTopicAsync(Offsets, partitions: 6);   // one replica each, two on each broker

        await f.StartBrokersAsync(4);

        var counts = new Dictionary<int, int>();
        foreach (PartitionRegistration p in Topic(f, Offsets).Partitions)
        {
            Assert.Equal(2, p.Replicas.Length);
            Assert.Equal([p.Replicas[0]], p.Isr);
            foreach (int broker in p.Replicas) counts[broker] = counts.GetValueOrDefault(broker) + 1;
        }
        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, count => Assert.Equal(3, count));
    }

    [Fact]
    public async Task Growth_joins_the_election_of_the_returning_broker_in_one_change()
    {
        await using var f = new ControllerFixture(Target(3));
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync(Offsets);
        await f.HeartbeatAsync(1, wantFence: true);    // leaderless; the last in-sync replica stays in the ISR
        await f.StartBrokersAsync(2);                   // one broker unfenced: one replica is enough
        PartitionRegistration leaderless = f.Partition(Offsets, 0);
        Assert.Equal([1], leaderless.Replicas);
        Assert.Equal(PartitionRegistration.NoLeader, leaderless.Leader);

        await f.HeartbeatAsync(1);

        PartitionRegistration back = f.Partition(Offsets, 0);
        Assert.Equal([1, 2], back.Replicas);
        Assert.Equal([1], back.Isr);
        Assert.Equal(1, back.Leader);
        Assert.Equal(leaderless.LeaderEpoch + 1, back.LeaderEpoch);
        Assert.Equal(leaderless.PartitionEpoch + 1, back.PartitionEpoch);
    }

    [Fact]
    public async Task Replica_that_joins_a_leaderless_partition_is_not_elected()
    {
        await using var f = new ControllerFixture(Target(3));
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync(Offsets, 1);
        await f.HeartbeatAsync(2, wantFence: true);
        await f.HeartbeatAsync(1, wantFence: true);

        await f.HeartbeatAsync(2);

        PartitionRegistration p = f.Partition(Offsets, 0);
        Assert.Equal([1], p.Replicas);      // one unfenced broker: one replica is enough
        await f.StartBrokersAsync(3);
        p = f.Partition(Offsets, 0);
        Assert.Equal([1, 2], p.Replicas);
        Assert.Equal(PartitionRegistration.NoLeader, p.Leader);
        Assert.Equal([1], p.Isr);
    }
}
