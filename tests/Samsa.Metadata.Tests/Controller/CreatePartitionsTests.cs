using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests.Controller;

public sealed class CreatePartitionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<CreatePartitionsResult> GrowAsync(ControllerFixture f, NewPartitions request,
        bool validateOnly = false) =>
        Assert.Single(await f.Controller.CreatePartitionsAsync([request], validateOnly, Ct));

    [Fact]
    public async Task Partitions_are_added_with_the_topics_replication_factor()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2, 3);
        await f.CreateTopicAsync("logs", partitions: 2, replicationFactor: 2);
        PartitionRegistration p0 = f.Partition("logs", 0);

        CreatePartitionsResult result = await GrowAsync(f, new NewPartitions("logs", 5));

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.True(f.Image.Topics.TryGetTopic("logs", out TopicImage? topic));
        Assert.Equal(5, topic.PartitionCount);
        Assert.All(topic.Partitions, p => Assert.Equal(2, p.Replicas.Length));
        Assert.Same(p0, topic.Partitions[0]);
        Assert.Equal(4, f.Partition("logs", 4).Partition);
    }

    [Fact]
    public async Task Assignments_place_the_new_partitions()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2, 3);
        await f.CreateTopicAsync("logs", partitions: 1, replicationFactor: 2);

        CreatePartitionsResult result = await GrowAsync(f, new NewPartitions("logs", 3, [[3, 1], [2, 3]]));

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.Equal([3, 1], f.Partition("logs", 1).Replicas);
        Assert.Equal([2, 3], f.Partition("logs", 2).Replicas);
        Assert.Equal(2, f.Partition("logs", 2).Leader);
    }

    public static TheoryData<NewPartitions, ControllerStatus> BadRequests() => new()
    {
        { new NewPartitions("missing", 3), ControllerStatus.UnknownTopicOrPartition },
        { new NewPartitions("logs", 2), ControllerStatus.InvalidPartitions },
        { new NewPartitions("logs", 1), ControllerStatus.InvalidPartitions },
        { new NewPartitions("logs", 4, [[1, 2]]), ControllerStatus.InvalidReplicaAssignment },
        { new NewPartitions("logs", 3, [[1]]), ControllerStatus.InvalidReplicaAssignment },
        { new NewPartitions("logs", 3, [[1, 9]]), ControllerStatus.InvalidReplicaAssignment },
        { new NewPartitions("logs", 3, [[2, 2]]), ControllerStatus.InvalidReplicaAssignment },
        { new NewPartitions("logs", 20_000), ControllerStatus.PolicyViolation },
    };

    [Theory, MemberData(nameof(BadRequests))]
    public async Task Bad_requests_are_refused(NewPartitions request, ControllerStatus expected)
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.CreateTopicAsync("logs", partitions: 2, replicationFactor: 2);

        CreatePartitionsResult result = await GrowAsync(f, request);

        Assert.Equal(expected, result.Status);
        Assert.NotNull(result.Message);
        Assert.Equal(2, f.Image.Topics.ByName["logs"].PartitionCount);
    }

    [Fact]
    public async Task Kafka_wording_for_shrinking_and_standing_still()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync("logs", partitions: 3);

        Assert.Equal("Topic currently has 3 partitions, which is higher than the requested 2.",
            (await GrowAsync(f, new NewPartitions("logs", 2))).Message);
        Assert.Equal("Topic already has 3 partitions.", (await GrowAsync(f, new NewPartitions("logs", 3))).Message);
    }

    [Fact]
    public async Task Replication_factor_above_the_live_brokers_is_refused()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.CreateTopicAsync("logs", partitions: 1, replicationFactor: 2);
        await f.HeartbeatAsync(2, wantFence: true);

        CreatePartitionsResult result = await GrowAsync(f, new NewPartitions("logs", 2));
        Assert.Equal(ControllerStatus.InvalidReplicationFactor, result.Status);
    }

    [Fact]
    public async Task Validate_only_and_duplicates_write_nothing()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync("logs");
        await f.CreateTopicAsync("emails");
        long before = f.Log.CommittedOffset;

        CreatePartitionsResult validated = await GrowAsync(f, new NewPartitions("logs", 4), validateOnly: true);
        Assert.Equal(ControllerStatus.Ok, validated.Status);
        IReadOnlyList<CreatePartitionsResult> duplicates = await f.Controller.CreatePartitionsAsync(
            [new NewPartitions("emails", 2), new NewPartitions("emails", 3)], false, Ct);

        Assert.All(duplicates, r => Assert.Equal(ControllerStatus.InvalidRequest, r.Status));
        Assert.Equal(before, f.Log.CommittedOffset);
        Assert.Equal(1, f.Image.Topics.ByName["logs"].PartitionCount);
    }
}
