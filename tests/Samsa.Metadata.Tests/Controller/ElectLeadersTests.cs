using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Storage;

namespace Samsa.Metadata.Tests.Controller;

public sealed class ElectLeadersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Preferred_election_moves_leadership_back_to_the_first_replica_once_it_is_in_sync()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        Guid topicId = await f.CreateAssignedAsync("logs", 1, 2);
        await f.CreateAssignedAsync("calm", 2, 1);
        await f.HeartbeatAsync(1, wantFence: true);
        await f.HeartbeatAsync(1);
        Assert.Equal((2, 1), (f.Partition("logs", 0).Leader, f.Partition("logs", 0).LeaderEpoch));

        ElectLeadersResult outOfSync = await Elect(f, ElectionType.Preferred, new TopicPartition("logs", 0));
        Assert.Equal(ControllerStatus.PreferredLeaderNotAvailable, Assert.Single(outOfSync.Partitions).Status);

        PartitionRegistration logs = f.Partition("logs", 0);
        AlterPartitionResult expanded = await f.Controller.AlterPartitionAsync(new AlterPartitionRequest(2,
            f.BrokerEpochs[2], topicId, 0, logs.LeaderEpoch, logs.PartitionEpoch, [2, 1]), Ct);
        Assert.Equal(ControllerStatus.Ok, expanded.Status);
        ElectLeadersResult every = await f.Controller.ElectLeadersAsync(ElectionType.Preferred, null, Ct);

        Assert.Equal(ControllerStatus.Ok, every.Status);
        PartitionElectionResult elected = Assert.Single(every.Partitions);   // calm-0 already has its leader
        Assert.Equal(new PartitionElectionResult("logs", 0, ControllerStatus.Ok, null), elected);
        Assert.Equal((1, 2), (f.Partition("logs", 0).Leader, f.Partition("logs", 0).LeaderEpoch));
        Assert.Equal([2, 1], f.Partition("logs", 0).Isr);
        ElectLeadersResult again = await Elect(f, ElectionType.Preferred, new TopicPartition("logs", 0),
            new TopicPartition("calm", 0));
        Assert.Equal([ControllerStatus.ElectionNotNeeded, ControllerStatus.ElectionNotNeeded],
            again.Partitions.Select(p => p.Status));
    }

    [Fact]
    public async Task Unclean_election_takes_an_unfenced_replica_outside_the_isr_only_for_a_leaderless_partition()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 1, 2);
        await f.HeartbeatAsync(2, wantFence: true);
        await f.HeartbeatAsync(1, wantFence: true);
        Assert.Equal(PartitionRegistration.NoLeader, f.Partition("logs", 0).Leader);
        Assert.Equal([1], f.Partition("logs", 0).Isr);

        ElectLeadersResult nobody = await Elect(f, ElectionType.Unclean, new TopicPartition("logs", 0));
        Assert.Equal(ControllerStatus.EligibleLeadersNotAvailable, Assert.Single(nobody.Partitions).Status);

        await f.HeartbeatAsync(2);
        Assert.False(f.Partition("logs", 0).HasLeader);   // unclean.leader.election.enable is off
        int leaderEpoch = f.Partition("logs", 0).LeaderEpoch;
        ElectLeadersResult preferred = await Elect(f, ElectionType.Preferred, new TopicPartition("logs", 0));
        Assert.Equal(ControllerStatus.PreferredLeaderNotAvailable, Assert.Single(preferred.Partitions).Status);
        ElectLeadersResult unclean = await Elect(f, ElectionType.Unclean, new TopicPartition("logs", 0));

        Assert.Equal(ControllerStatus.Ok, Assert.Single(unclean.Partitions).Status);
        PartitionRegistration now = f.Partition("logs", 0);
        Assert.Equal((2, leaderEpoch + 1), (now.Leader, now.LeaderEpoch));
        Assert.Equal([2], now.Isr);
        ElectLeadersResult again = await Elect(f, ElectionType.Unclean, new TopicPartition("logs", 0));
        Assert.Equal(ControllerStatus.ElectionNotNeeded, Assert.Single(again.Partitions).Status);
    }

    [Fact]
    public async Task Unknown_partitions_are_refused_and_nothing_is_written()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        await f.CreateAssignedAsync("logs", 1);
        long before = f.Log.CommittedOffset;

        ElectLeadersResult result = await Elect(f, ElectionType.Preferred, new TopicPartition("nope", 0),
            new TopicPartition("logs", 7), new TopicPartition("logs", 0));

        Assert.Equal([ControllerStatus.UnknownTopicOrPartition, ControllerStatus.UnknownTopicOrPartition,
            ControllerStatus.ElectionNotNeeded], result.Partitions.Select(p => p.Status));
        Assert.All(result.Partitions, p => Assert.NotNull(p.Message));
        Assert.Equal(before, f.Log.CommittedOffset);
    }

    private static Task<ElectLeadersResult> Elect(ControllerFixture f, ElectionType type,
        params TopicPartition[] partitions) => f.Controller.ElectLeadersAsync(type, partitions, Ct);
}
