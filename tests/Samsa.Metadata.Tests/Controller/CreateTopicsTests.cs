using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;

namespace Samsa.Metadata.Tests.Controller;

public sealed class CreateTopicsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<CreateTopicResult> CreateAsync(ControllerFixture f, NewTopic topic,
        bool validateOnly = false) =>
        Assert.Single(await f.Controller.CreateTopicsAsync([topic], validateOnly, Ct));

    [Fact]
    public async Task Topic_is_created_with_ids_partitions_and_an_in_sync_leader()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2, 3);

        CreateTopicResult result = await f.CreateTopicAsync("cv_parsing", partitions: 6, replicationFactor: 2);

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.Equal(6, result.NumPartitions);
        Assert.Equal(2, result.ReplicationFactor);
        Assert.True(f.Image.Topics.TryGetTopic("cv_parsing", out TopicImage? topic));
        Assert.Equal(result.TopicId, topic.TopicId);
        Assert.NotEqual(Guid.Empty, topic.TopicId);
        foreach (PartitionRegistration p in topic.Partitions)
        {
            Assert.Equal(2, p.Replicas.Length);
            Assert.Equal(p.Replicas, p.Isr);
            Assert.Equal(p.Replicas[0], p.Leader);
            Assert.Equal(0, p.LeaderEpoch);
            Assert.Equal(0, p.PartitionEpoch);
        }
    }

    [Fact]
    public async Task Minus_one_takes_the_defaults_from_the_options()
    {
        var options = new MetadataControllerOptions { DefaultNumPartitions = 3, DefaultReplicationFactor = 2 };
        await using var f = new ControllerFixture(options);
        await f.StartBrokersAsync(1, 2);

        CreateTopicResult result = await CreateAsync(f, new NewTopic("logs"));

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.Equal((3, (short)2), (result.NumPartitions, result.ReplicationFactor));
    }

    [Fact]
    public async Task Placement_spreads_leaders_over_unfenced_brokers_only()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2, 3, 4);
        await f.HeartbeatAsync(4, wantFence: true);

        await f.CreateTopicAsync("emails", partitions: 6, replicationFactor: 3);

        Assert.True(f.Image.Topics.TryGetTopic("emails", out TopicImage? topic));
        Assert.All(topic.Partitions, p => Assert.DoesNotContain(4, p.Replicas));
        Assert.Equal([2, 2, 2], topic.Partitions.GroupBy(p => p.Leader).Select(g => g.Count()));
    }

    [Fact]
    public async Task Same_seed_gives_the_same_topic_ids_and_assignment()
    {
        async Task<TopicImage> CreateWithSeedAsync()
        {
            await using var f = new ControllerFixture(seed: 9);
            await f.StartBrokersAsync(1, 2, 3);
            await f.CreateTopicAsync("logs", partitions: 5, replicationFactor: 2);
            Assert.True(f.Image.Topics.TryGetTopic("logs", out TopicImage? topic));
            return topic;
        }

        TopicImage a = await CreateWithSeedAsync();
        TopicImage b = await CreateWithSeedAsync();

        Assert.Equal(a.TopicId, b.TopicId);
        Assert.Equal(a.Partitions.Select(p => p.Replicas.ToArray()), b.Partitions.Select(p => p.Replicas.ToArray()));
    }

    [Fact]
    public async Task Replication_factor_above_the_live_brokers_is_refused()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.Controller.RegisterBrokerAsync(ControllerFixture.Registration(3), Ct); // registered, still fenced

        CreateTopicResult result = await f.CreateTopicAsync("logs", partitions: 1, replicationFactor: 3);

        Assert.Equal(ControllerStatus.InvalidReplicationFactor, result.Status);
        Assert.Equal("Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be " +
            "reached because only 2 broker(s) are registered.", result.Message);
        Assert.False(f.Image.Topics.TryGetTopic("logs", out _));
    }

    [Theory]
    [InlineData(0, 1, ControllerStatus.InvalidPartitions)]
    [InlineData(-2, 1, ControllerStatus.InvalidPartitions)]
    [InlineData(1, 0, ControllerStatus.InvalidReplicationFactor)]
    [InlineData(1, -2, ControllerStatus.InvalidReplicationFactor)]
    [InlineData(10_001, 1, ControllerStatus.PolicyViolation)]
    public async Task Bad_partition_count_or_replication_factor_is_refused(int partitions, short rf,
        ControllerStatus expected)
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        Assert.Equal(expected, (await f.CreateTopicAsync("logs", partitions, rf)).Status);
    }

    [Fact]
    public async Task Existing_topic_is_TopicAlreadyExists()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync("a.b");

        CreateTopicResult again = await f.CreateTopicAsync("a.b");

        Assert.Equal(ControllerStatus.TopicAlreadyExists, again.Status);
        Assert.Equal("Topic 'a.b' already exists.", again.Message);
    }

    [Theory, InlineData("a_b"), InlineData("a.b")]
    public async Task Name_colliding_with_an_existing_topic_is_refused(string existing)
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync(existing);
        string other = existing == "a_b" ? "a.b" : "a_b";

        CreateTopicResult result = await f.CreateTopicAsync(other);

        Assert.Equal(ControllerStatus.InvalidTopic, result.Status);
        Assert.Equal($"Topic '{other}' collides with existing topic: {existing}", result.Message);
    }

    [Fact]
    public async Task Names_colliding_within_one_request_create_only_the_first()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        IReadOnlyList<CreateTopicResult> results = await f.Controller.CreateTopicsAsync(
            [new NewTopic("x.y", 1, 1), new NewTopic("x_y", 1, 1)], validateOnly: false, Ct);

        Assert.Equal([ControllerStatus.Ok, ControllerStatus.InvalidTopic], results.Select(r => r.Status));
    }

    [Theory, InlineData(""), InlineData("."), InlineData(".."), InlineData("bad name"), InlineData("x/y")]
    public async Task Illegal_name_is_InvalidTopic(string name)
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        Assert.Equal(ControllerStatus.InvalidTopic, (await f.CreateTopicAsync(name)).Status);
    }

    [Fact]
    public async Task Duplicate_names_in_one_request_are_both_refused()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        IReadOnlyList<CreateTopicResult> results = await f.Controller.CreateTopicsAsync(
            [new NewTopic("logs", 1, 1), new NewTopic("emails", 1, 1), new NewTopic("logs", 2, 1)], false, Ct);

        Assert.Equal([ControllerStatus.InvalidRequest, ControllerStatus.Ok, ControllerStatus.InvalidRequest],
            results.Select(r => r.Status));
        Assert.False(f.Image.Topics.TryGetTopic("logs", out _));
    }

    [Fact]
    public async Task Manual_assignment_is_used_as_given()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2, 3);
        await f.HeartbeatAsync(2, wantFence: true);

        CreateTopicResult result = await CreateAsync(f, new NewTopic("logs", -1, -1,
            [new ReplicaAssignment(1, [3, 1]), new ReplicaAssignment(0, [2, 3])]));

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.Equal((2, (short)2), (result.NumPartitions, result.ReplicationFactor));
        PartitionRegistration p0 = f.Partition("logs", 0);
        Assert.Equal([2, 3], p0.Replicas);
        Assert.Equal([3], p0.Isr); // broker 2 is fenced: not in sync, not leader
        Assert.Equal(3, p0.Leader);
        Assert.Equal([3, 1], f.Partition("logs", 1).Replicas);
    }

    private static NewTopic Assigned(params int[][] replicas) =>
        new("t", -1, -1, [.. replicas.Select((r, i) => new ReplicaAssignment(i, r))]);

    public static TheoryData<NewTopic, ControllerStatus> BadAssignments() => new()
    {
        { new NewTopic("t", 2, -1, [new ReplicaAssignment(0, [1])]), ControllerStatus.InvalidRequest },
        { new NewTopic("t", -1, 1, [new ReplicaAssignment(0, [1])]), ControllerStatus.InvalidRequest },
        { new NewTopic("t", -1, -1, [new ReplicaAssignment(1, [1])]), ControllerStatus.InvalidReplicaAssignment },
        { new NewTopic("t", -1, -1, [new(0, [1]), new(0, [2])]), ControllerStatus.InvalidReplicaAssignment },
        { new NewTopic("t", -1, -1, [new ReplicaAssignment(0, [1, 1])]), ControllerStatus.InvalidReplicaAssignment },
        { new NewTopic("t", -1, -1, [new ReplicaAssignment(0, [1, 9])]), ControllerStatus.InvalidReplicaAssignment },
        { new NewTopic("t", -1, -1, [new ReplicaAssignment(0, [])]), ControllerStatus.InvalidReplicaAssignment },
        { Assigned([1, 2], [1]), ControllerStatus.InvalidReplicaAssignment },
        { new NewTopic("t", -1, -1, [new ReplicaAssignment(0, [3])]), ControllerStatus.InvalidReplicaAssignment },
    };

    [Theory, MemberData(nameof(BadAssignments))]
    public async Task Bad_manual_assignment_is_refused(NewTopic topic, ControllerStatus expected)
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.Controller.RegisterBrokerAsync(ControllerFixture.Registration(3), Ct); // fenced

        CreateTopicResult result = await CreateAsync(f, topic);

        Assert.Equal(expected, result.Status);
        Assert.NotNull(result.Message);
        Assert.False(f.Image.Topics.TryGetTopic("t", out _));
    }

    [Fact]
    public async Task Topic_configs_are_written_with_the_topic()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        CreateTopicResult result = await CreateAsync(f, new NewTopic("logs", 1, 1, Configs:
            [new("retention.ms", "3600000"), new("cleanup.policy", "compact")]));

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.Equal(new Dictionary<string, string> { ["retention.ms"] = "3600000", ["cleanup.policy"] = "compact" },
            f.Image.Configs.Get(ConfigResource.ForTopic("logs")));
    }

    [Theory]
    [InlineData("retention.ms", "soon", ControllerStatus.InvalidConfig)]
    [InlineData("no.such.config", "1", ControllerStatus.InvalidConfig)]
    [InlineData("retention.ms", null, ControllerStatus.InvalidConfig)]
    public async Task Bad_topic_config_is_refused(string name, string? value, ControllerStatus expected)
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        CreateTopicResult result = await CreateAsync(f, new NewTopic("logs", 1, 1, Configs: [new(name, value)]));

        Assert.Equal(expected, result.Status);
        Assert.False(f.Image.Topics.TryGetTopic("logs", out _));
    }

    [Fact]
    public async Task Duplicate_topic_config_is_refused()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        CreateTopicResult result = await CreateAsync(f, new NewTopic("logs", 1, 1, Configs:
            [new("retention.ms", "1"), new("retention.ms", "2")]));

        Assert.Equal(ControllerStatus.InvalidRequest, result.Status);
    }

    [Fact]
    public async Task Validate_only_checks_everything_and_writes_nothing()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        long before = f.Log.CommittedOffset;

        IReadOnlyList<CreateTopicResult> results = await f.Controller.CreateTopicsAsync(
            [new NewTopic("logs", 4, 2), new NewTopic("bad name", 1, 1), new NewTopic("emails", 1, 3)],
            validateOnly: true, Ct);

        Assert.Equal([ControllerStatus.Ok, ControllerStatus.InvalidTopic, ControllerStatus.InvalidReplicationFactor],
            results.Select(r => r.Status));
        Assert.Equal((4, (short)2), (results[0].NumPartitions, results[0].ReplicationFactor));
        Assert.Equal(before, f.Log.CommittedOffset);
        Assert.Equal(0, f.Image.Topics.Count);
    }

    [Fact]
    public async Task Not_the_leader_of_the_log_is_NotController()
    {
        var log = new MemoryMetadataLog(nodeId: 1000);
        await using var f = new ControllerFixture(log: log);
        await f.StartBrokersAsync(1);
        log.ChangeLeader(2000);

        CreateTopicResult result = await f.CreateTopicAsync("logs");

        Assert.Equal(ControllerStatus.NotController, result.Status);
        Assert.False(f.Image.Topics.TryGetTopic("logs", out _));
    }
}
