using Samsa.Broker.Handlers;
using Samsa.Metadata.Configs;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using CreatableTopic = Samsa.Protocol.Messages.CreateTopicsRequest.CreatableTopic;

namespace Samsa.Broker.Tests.Handlers;

// CreateTopics, DeleteTopics and CreatePartitions: the request reaches the controller and its results come back
// with Kafka's error codes, messages and (CreateTopics v5+) the created topic's shape and configs.
public sealed class TopicHandlersTests
{
    [Fact]
    public async Task Created_topic_reports_its_counts_id_and_configs_with_sources()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(
            new Dictionary<string, string> { ["num.partitions"] = "3", ["log.retention.hours"] = "48" },
            new MetadataControllerOptions { DefaultNumPartitions = 3 });

        CreateTopicsResponse response = await CreateAsync(f, 7, false,
            Topic("orders", -1, -1, ("retention.ms", "1000")));

        CreateTopicsResponse.CreatableTopicResult result = Assert.Single(response.Topics);
        Assert.Equal((0, (string?)null), (result.ErrorCode, result.ErrorMessage));
        Assert.Equal((3, (short)1), (result.NumPartitions, result.ReplicationFactor));
        Assert.True(f.Image.Topics.TryGetTopic("orders", out TopicImage? topic));
        Assert.Equal(topic.TopicId, result.TopicId);
        Assert.Equal(3, topic.PartitionCount);
        Assert.Equal(TopicConfigs.All.Select(c => c.Name).Order(StringComparer.Ordinal),
            result.Configs!.Select(c => c.Name));
        CreateTopicsResponse.CreatableTopicConfigs retention = result.Configs!.Single(c => c.Name == "retention.ms");
        Assert.Equal(("1000", (sbyte)ConfigSource.DynamicTopicConfig), (retention.Value, retention.ConfigSource));
        CreateTopicsResponse.CreatableTopicConfigs segment = result.Configs!.Single(c => c.Name == "segment.ms");
        Assert.Equal((sbyte)ConfigSource.DefaultConfig, segment.ConfigSource);
    }

    [Fact]
    public async Task Validate_only_reports_what_would_be_created_and_creates_nothing()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();

        CreateTopicsResponse response = await CreateAsync(f, 7, true, Topic("orders", 4, 1));

        CreateTopicsResponse.CreatableTopicResult result = Assert.Single(response.Topics);
        Assert.Equal(0, result.ErrorCode);
        Assert.Equal(4, result.NumPartitions);
        Assert.Equal(Guid.Empty, result.TopicId);
        Assert.False(f.Image.Topics.TryGetTopic("orders", out _));
    }

    [Fact]
    public async Task Each_topic_fails_on_its_own_with_kafkas_error_and_message()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("existing");

        CreateTopicsResponse response = await CreateAsync(f, 5, false,
            Topic("existing", 1, 1),
            Topic("bad/name", 1, 1),
            Topic("twice", 1, 1),
            Topic("twice", 1, 1),
            Topic("zero", 0, 1),
            Topic("too-many-replicas", 1, 3),
            Topic("bad-config", 1, 1, ("retention.ms", "soon")),
            Topic("unknown-config", 1, 1, ("no.such.config", "1")),
            Topic("fine", 2, 1));

        Assert.Equal(
            [
                ErrorCode.TopicAlreadyExists, ErrorCode.InvalidTopicException, ErrorCode.InvalidRequest,
                ErrorCode.InvalidRequest, ErrorCode.InvalidPartitions, ErrorCode.InvalidReplicationFactor,
                ErrorCode.InvalidConfig, ErrorCode.InvalidConfig, ErrorCode.None,
            ],
            response.Topics.Select(t => (ErrorCode)t.ErrorCode));
        Assert.All(response.Topics.SkipLast(1), t =>
        {
            Assert.False(string.IsNullOrEmpty(t.ErrorMessage));
            Assert.Equal((-1, (short)-1), (t.NumPartitions, t.ReplicationFactor));
        });
        Assert.True(f.Image.Topics.TryGetTopic("fine", out _));
    }

    [Fact]
    public async Task Manual_assignment_places_the_replicas_where_asked()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(otherBrokers: 2);
        CreatableTopic topic = Topic("placed", -1, -1);
        topic.Assignments =
            [new() { PartitionIndex = 0, BrokerIds = [2, 1] }, new() { PartitionIndex = 1, BrokerIds = [1, 2] }];

        CreateTopicsResponse response = await CreateAsync(f, 4, false, topic);

        Assert.Equal(0, Assert.Single(response.Topics).ErrorCode);
        Assert.Equal(HandlerFixture.Ids(2, 1), f.Topic("placed").Partitions[0].Replicas);
        Assert.Equal(HandlerFixture.Ids(1, 2), f.Topic("placed").Partitions[1].Replicas);
    }

    [Fact]
    public async Task Delete_by_name_and_by_id_removes_the_topic_and_its_replica()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("a");
        await f.CreateTopicAsync("b");
        Guid idOfB = f.Topic("b").TopicId;
        var handler = new DeleteTopicsHandler(f.Controller);

        DeleteTopicsResponse byName = await HandlerFixture.SendAsync<DeleteTopicsRequest, DeleteTopicsResponse>(
            handler, new DeleteTopicsRequest { TopicNames = ["a", "missing"] }, 5);
        DeleteTopicsResponse byId = await HandlerFixture.SendAsync<DeleteTopicsRequest, DeleteTopicsResponse>(
            handler, new DeleteTopicsRequest
            {
                Topics = [new() { TopicId = idOfB }, new() { TopicId = Guid.NewGuid() }],
            }, 6);

        Assert.Equal([ErrorCode.None, ErrorCode.UnknownTopicOrPartition],
            byName.Responses.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Equal([ErrorCode.None, ErrorCode.UnknownTopicId], byId.Responses.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Equal("b", byId.Responses[0].Name);
        Assert.Null(byId.Responses[1].Name);
        Assert.Equal(0, f.Image.Topics.Count);
        Assert.False(f.Replicas.TryGetPartition("a", 0, out _));
        Assert.Empty(f.Logs.Logs);
    }

    [Theory]
    [InlineData(2, ErrorCode.InvalidRequest)]
    [InlineData(3, ErrorCode.TopicDeletionDisabled)]
    [InlineData(6, ErrorCode.TopicDeletionDisabled)]
    public async Task Disabled_deletion_is_reported_as_kafka_does_at_each_version(short version, ErrorCode expected)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(
            options: new MetadataControllerOptions { DeleteTopicEnable = false });
        await f.CreateTopicAsync("kept");
        DeleteTopicsRequest request = version >= 6
            ? new DeleteTopicsRequest { Topics = [new() { Name = "kept" }] }
            : new DeleteTopicsRequest { TopicNames = ["kept"] };

        DeleteTopicsResponse response = await HandlerFixture.SendAsync<DeleteTopicsRequest, DeleteTopicsResponse>(
            new DeleteTopicsHandler(f.Controller), request, version);

        Assert.Equal((short)expected, Assert.Single(response.Responses).ErrorCode);
        Assert.True(f.Image.Topics.TryGetTopic("kept", out _));
    }

    [Fact]
    public async Task Create_partitions_grows_topics_validates_only_when_asked_and_refuses_to_shrink()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("a");
        await f.CreateTopicAsync("b", partitions: 3);
        await f.CreateTopicAsync("c");
        var handler = new CreatePartitionsHandler(f.Controller);

        CreatePartitionsResponse dryRun = await GrowAsync(handler, validateOnly: true, ("a", 4, null));
        Assert.Equal(0, Assert.Single(dryRun.Results).ErrorCode);
        Assert.Equal(1, f.Topic("a").PartitionCount);

        CreatePartitionsResponse response = await GrowAsync(handler, validateOnly: false,
            ("a", 4, null), ("b", 2, null), ("c", 3, [[1]]), ("missing", 2, null));

        Assert.Equal(
            [ErrorCode.None, ErrorCode.InvalidPartitions, ErrorCode.InvalidReplicaAssignment,
                ErrorCode.UnknownTopicOrPartition],
            response.Results.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Null(response.Results[0].ErrorMessage);
        Assert.Equal(4, f.Topic("a").PartitionCount);
        Assert.True(f.Replicas.TryGetPartition("a", 3, out _));
    }

    private static Task<CreatePartitionsResponse> GrowAsync(CreatePartitionsHandler handler, bool validateOnly,
        params (string Name, int Count, int[][]? Assignments)[] topics) =>
        HandlerFixture.SendAsync<CreatePartitionsRequest, CreatePartitionsResponse>(handler, new CreatePartitionsRequest
        {
            Topics =
            [
                .. topics.Select(t => new CreatePartitionsRequest.CreatePartitionsTopic
                {
                    Name = t.Name,
                    Count = t.Count,
                    Assignments = t.Assignments?.Select(a => new CreatePartitionsRequest.CreatePartitionsAssignment
                    {
                        BrokerIds = [.. a],
                    }).ToList(),
                }),
            ],
            ValidateOnly = validateOnly,
            TimeoutMs = 30_000,
        }, 3);

    private static Task<CreateTopicsResponse> CreateAsync(HandlerFixture f, short version, bool validateOnly,
        params CreatableTopic[] topics) =>
        HandlerFixture.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(
            new CreateTopicsHandler(f.Options, f.Loader, f.Controller),
            new CreateTopicsRequest { Topics = [.. topics], validateOnly = validateOnly }, version);

    private static CreatableTopic Topic(string name, int partitions, short replicationFactor,
        params (string Name, string Value)[] configs) => new()
        {
            Name = name,
            NumPartitions = partitions,
            ReplicationFactor = replicationFactor,
            Configs =
            [
                .. configs.Select(c => new CreateTopicsRequest.CreatableTopicConfig { Name = c.Name, Value = c.Value }),
            ],
        };
}
