using System.Collections.Immutable;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests.Controller;

public sealed class AlterPartitionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(ControllerFixture F, Guid TopicId)> StartAsync(
        MetadataControllerOptions? options = null)
    {
        var f = new ControllerFixture(options);
        await f.StartBrokersAsync(1, 2, 3);
        IReadOnlyList<CreateTopicResult> created = await f.Controller.CreateTopicsAsync(
            [new NewTopic("logs", -1, -1, [new ReplicaAssignment(0, [1, 2, 3])])], false, Ct);
        return (f, created[0].TopicId);
    }

    private static AlterPartitionRequest Request(ControllerFixture f, Guid topicId, ImmutableArray<int> isr,
        int brokerId = 1, int? leaderEpoch = null, int? partitionEpoch = null, int partition = 0)
    {
        PartitionRegistration p = f.Partition("logs", 0);
        return new AlterPartitionRequest(brokerId, f.BrokerEpochs.GetValueOrDefault(brokerId, -1), topicId, partition,
            leaderEpoch ?? p.LeaderEpoch, partitionEpoch ?? p.PartitionEpoch, isr);
    }

    [Fact]
    public async Task Leader_shrinks_and_expands_the_isr()
    {
        (ControllerFixture f, Guid topicId) = await StartAsync();
        await using ControllerFixture _ = f;

        AlterPartitionResult shrunk = await f.Controller.AlterPartitionAsync(Request(f, topicId, [1, 3]), Ct);
        Assert.Equal(ControllerStatus.Ok, shrunk.Status);
        Assert.Equal([1, 3], shrunk.Partition!.Isr);
        Assert.Equal(1, shrunk.Partition.PartitionEpoch);
        Assert.Equal(0, shrunk.Partition.LeaderEpoch);
        Assert.Same(f.Partition("logs", 0), shrunk.Partition);

        AlterPartitionResult expanded = await f.Controller.AlterPartitionAsync(Request(f, topicId, [1, 3, 2]), Ct);
        Assert.Equal(ControllerStatus.Ok, expanded.Status);
        Assert.Equal([1, 3, 2], f.Partition("logs", 0).Isr);
        Assert.Equal(2, f.Partition("logs", 0).PartitionEpoch);
    }

    [Fact]
    public async Task Shrink_below_min_isr_makes_the_removed_replicas_eligible_leaders_until_it_expands_back()
    {
        (ControllerFixture f, Guid topicId) = await StartAsync(new MetadataControllerOptions { MinInsyncReplicas = 2 });
        await using ControllerFixture _ = f;

        await f.Controller.AlterPartitionAsync(Request(f, topicId, [1, 2]), Ct);
        Assert.Empty(f.Partition("logs", 0).Elr); // at min ISR, the high watermark moves on without 3

        AlterPartitionResult shrunk = await f.Controller.AlterPartitionAsync(Request(f, topicId, [1]), Ct);
        Assert.Equal(ControllerStatus.Ok, shrunk.Status);
        Assert.Equal([1], shrunk.Partition!.Isr);
        Assert.Equal([2], shrunk.Partition.Elr);
        Assert.Equal(0, shrunk.Partition.LeaderEpoch);

        AlterPartitionResult expanded = await f.Controller.AlterPartitionAsync(Request(f, topicId, [1, 3]), Ct);
        Assert.Equal(ControllerStatus.Ok, expanded.Status);
        Assert.Equal([1, 3], f.Partition("logs", 0).Isr);
        Assert.Empty(f.Partition("logs", 0).Elr);
    }

    [Fact]
    public async Task Same_isr_writes_nothing()
    {
        (ControllerFixture f, Guid topicId) = await StartAsync();
        await using ControllerFixture _ = f;
        long before = f.Log.CommittedOffset;

        AlterPartitionResult result = await f.Controller.AlterPartitionAsync(Request(f, topicId, [1, 2, 3]), Ct);

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.Equal(before, f.Log.CommittedOffset);
    }

    [Fact]
    public async Task Every_stale_or_invalid_request_is_refused()
    {
        (ControllerFixture f, Guid topicId) = await StartAsync();
        await using ControllerFixture _ = f;
        await f.Controller.AlterPartitionAsync(Request(f, topicId, [1, 2]), Ct);
        await f.HeartbeatAsync(3, wantFence: true);
        long before = f.Log.CommittedOffset;

        (AlterPartitionRequest Request, ControllerStatus Expected)[] cases =
        [
            (Request(f, topicId, [1]) with { BrokerEpoch = 12345 }, ControllerStatus.StaleBrokerEpoch),
            (Request(f, topicId, [1], brokerId: 9), ControllerStatus.StaleBrokerEpoch),
            (Request(f, Guid.NewGuid(), [1]), ControllerStatus.UnknownTopicId),
            (Request(f, topicId, [1], partition: 5), ControllerStatus.UnknownTopicOrPartition),
            (Request(f, topicId, [1], leaderEpoch: 7), ControllerStatus.FencedLeaderEpoch),
            (Request(f, topicId, [2], brokerId: 2), ControllerStatus.NotLeaderOrFollower),
            (Request(f, topicId, [1], partitionEpoch: 0), ControllerStatus.InvalidUpdateVersion),
            (Request(f, topicId, []), ControllerStatus.InvalidRequest),
            (Request(f, topicId, [2]), ControllerStatus.InvalidRequest),
            (Request(f, topicId, [1, 4]), ControllerStatus.InvalidRequest),
            (Request(f, topicId, [1, 2, 2]), ControllerStatus.InvalidRequest),
            (Request(f, topicId, [1, 2, 3]), ControllerStatus.IneligibleReplica),
            (Request(f, topicId, [1, 2]) with { NewIsrBrokerEpochs = [f.BrokerEpochs[1], 12345] },
                ControllerStatus.IneligibleReplica),
            (Request(f, topicId, [1, 2]) with { NewIsrBrokerEpochs = [f.BrokerEpochs[1]] },
                ControllerStatus.InvalidRequest),
        ];

        foreach ((AlterPartitionRequest request, ControllerStatus expected) in cases)
        {
            AlterPartitionResult result = await f.Controller.AlterPartitionAsync(request, Ct);
            Assert.True(expected == result.Status, $"{request}: expected {expected}, got {result.Status}");
            Assert.NotNull(result.Message);
        }
        Assert.Equal(before, f.Log.CommittedOffset);
    }
}
