using System.Reflection;
using Samsa.Broker.Handlers;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Handlers;

// Every version each admin handler declares is answered, and its answer can be written at that version and read
// back: a field that a version cannot carry would fail here before a client sees it.
public sealed partial class AdminHandlerVersionsTests
{
    private static readonly Type[] Handlers =
    [
        typeof(CreateTopicsHandler), typeof(DeleteTopicsHandler), typeof(CreatePartitionsHandler),
        typeof(DescribeConfigsHandler), typeof(AlterConfigsHandler), typeof(IncrementalAlterConfigsHandler),
        typeof(DescribeClusterHandler), typeof(DeleteRecordsHandler), typeof(OffsetForLeaderEpochHandler),
        typeof(DescribeLogDirsHandler), typeof(DescribeTopicPartitionsHandler),
    ];

    public static TheoryData<string, short> DeclaredVersions()
    {
        var data = new TheoryData<string, short>();
        foreach (Type handler in Handlers)
        {
            ApiHandlerAttribute declared = handler.GetCustomAttribute<ApiHandlerAttribute>()!;
            for (short v = declared.MinVersion; v <= declared.MaxVersion; v++) data.Add(declared.Key.ToString(), v);
        }
        return data;
    }

    /// <summary>For each API, a request that exercises its answer, sent at the given version, and what the answer
    /// must hold; the fixture has topic "orders" with two partitions and three records in partition 0.</summary>
    private static readonly Dictionary<ApiKey, Func<HandlerFixture, short, Task>> Samples = new()
    {
        [ApiKey.CreateTopics] = CreateTopicsRoundTripsAsync,
        [ApiKey.DeleteTopics] = DeleteTopicsRoundTripsAsync,
        [ApiKey.CreatePartitions] = CreatePartitionsRoundTripsAsync,
        [ApiKey.DescribeConfigs] = DescribeConfigsRoundTripsAsync,
        [ApiKey.AlterConfigs] = AlterConfigsRoundTripsAsync,
        [ApiKey.IncrementalAlterConfigs] = IncrementalAlterConfigsRoundTripsAsync,
        [ApiKey.DescribeCluster] = DescribeClusterRoundTripsAsync,
        [ApiKey.DeleteRecords] = DeleteRecordsRoundTripsAsync,
        [ApiKey.OffsetForLeaderEpoch] = OffsetForLeaderEpochRoundTripsAsync,
        [ApiKey.DescribeLogDirs] = DescribeLogDirsRoundTripsAsync,
        [ApiKey.DescribeTopicPartitions] = DescribeTopicPartitionsRoundTripsAsync,
    };

    [Theory]
    [MemberData(nameof(DeclaredVersions))]
    public async Task Declared_version_is_answered_and_round_trips(string api, short version)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", partitions: 2);
        await f.AppendAsync("orders", 3);

        Assert.True(Samples.TryGetValue(Enum.Parse<ApiKey>(api), out Func<HandlerFixture, short, Task>? sample),
            $"no sample request for {api}");
        await sample(f, version);
    }

    private static async Task CreateTopicsRoundTripsAsync(HandlerFixture f, short version)
    {
        CreateTopicsResponse created = await SendAsync<CreateTopicsRequest, CreateTopicsResponse>(
            new CreateTopicsHandler(f.Options, f.Loader, f.Controller), version, new CreateTopicsRequest
            {
                Topics =
                [
                    new() { Name = "new", NumPartitions = 2, ReplicationFactor = 1 },
                    new() { Name = "orders", NumPartitions = 1, ReplicationFactor = 1 },
                ],
                validateOnly = version >= 1,
            });
        Assert.Equal([0, (short)ErrorCode.TopicAlreadyExists], created.Topics.Select(t => t.ErrorCode));
        if (version >= 5) Assert.Equal(2, created.Topics[0].NumPartitions);
        if (version >= 1) Assert.NotNull(created.Topics[1].ErrorMessage);
    }

    private static async Task DeleteTopicsRoundTripsAsync(HandlerFixture f, short version)
    {
        DeleteTopicsRequest delete = version >= 6
            ? new() { Topics = [new() { Name = "orders" }, new() { TopicId = Guid.NewGuid() }] }
            : new() { TopicNames = ["orders", "missing"] };
        DeleteTopicsResponse deleted =
            await SendAsync<DeleteTopicsRequest, DeleteTopicsResponse>(new DeleteTopicsHandler(f.Controller),
                version, delete);
        Assert.Equal(0, deleted.Responses[0].ErrorCode);
        Assert.NotEqual(0, deleted.Responses[1].ErrorCode);
    }

    private static async Task CreatePartitionsRoundTripsAsync(HandlerFixture f, short version)
    {
        CreatePartitionsResponse grown = await SendAsync<CreatePartitionsRequest, CreatePartitionsResponse>(
            new CreatePartitionsHandler(f.Controller), version, new CreatePartitionsRequest
            {
                Topics =
                [
                    new() { Name = "orders", Count = 3, Assignments = null }, new() { Name = "x", Count = 2 },
                ],
            });
        Assert.Equal([0, (short)ErrorCode.UnknownTopicOrPartition], grown.Results.Select(r => r.ErrorCode));
    }

    private static async Task DescribeConfigsRoundTripsAsync(HandlerFixture f, short version)
    {
        DescribeConfigsResponse described = await SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(
            new DescribeConfigsHandler(f.Options, f.Loader), version, new DescribeConfigsRequest
            {
                Resources =
                [
                    new() { ResourceType = 2, ResourceName = "orders", ConfigurationKeys = null },
                    new() { ResourceType = 4, ResourceName = "1", ConfigurationKeys = ["num.partitions"] },
                    new() { ResourceType = 2, ResourceName = "missing", ConfigurationKeys = null },
                ],
                IncludeSynonyms = version >= 1,
                IncludeDocumentation = version >= 3,
            });
        Assert.NotEmpty(described.Results[0].Configs);
        Assert.Single(described.Results[1].Configs);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, described.Results[2].ErrorCode);
    }

    private static async Task AlterConfigsRoundTripsAsync(HandlerFixture f, short version)
    {
        AlterConfigsResponse altered = await SendAsync<AlterConfigsRequest, AlterConfigsResponse>(
            new AlterConfigsHandler(f.Options.NodeId, f.Controller), version, new AlterConfigsRequest
            {
                Resources =
                [
                    new()
                    {
                        ResourceType = 2, ResourceName = "orders",
                        Configs = [new() { Name = "retention.ms", Value = "1" }],
                    },
                    new() { ResourceType = 4, ResourceName = "9", Configs = [] },
                ],
            });
        Assert.Equal([0, (short)ErrorCode.InvalidRequest], altered.Responses.Select(r => r.ErrorCode));
    }

    private static async Task IncrementalAlterConfigsRoundTripsAsync(HandlerFixture f, short version)
    {
        IncrementalAlterConfigsResponse incremental =
            await SendAsync<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(
                new IncrementalAlterConfigsHandler(f.Options.NodeId, f.Controller), version,
                new IncrementalAlterConfigsRequest
                {
                    Resources =
                    [
                        new()
                        {
                            ResourceType = 2, ResourceName = "orders",
                            Configs =
                            [
                                new() { Name = "cleanup.policy", ConfigOperation = 2, Value = "compact" },
                            ],
                        },
                        new() { ResourceType = 2, ResourceName = "missing", Configs = [] },
                    ],
                });
        Assert.Equal([0, (short)ErrorCode.UnknownTopicOrPartition],
            incremental.Responses.Select(r => r.ErrorCode));
    }

    private static async Task DescribeClusterRoundTripsAsync(HandlerFixture f, short version)
    {
        DescribeClusterResponse cluster = await SendAsync<DescribeClusterRequest, DescribeClusterResponse>(
            new DescribeClusterHandler(f.Options, f.Loader), version, new DescribeClusterRequest());
        Assert.Equal(HandlerFixture.ClusterId, cluster.ClusterId);
        Assert.Single(cluster.Brokers);
    }

    private static async Task DeleteRecordsRoundTripsAsync(HandlerFixture f, short version)
    {
        DeleteRecordsResponse deletedRecords = await SendAsync<DeleteRecordsRequest, DeleteRecordsResponse>(
            new DeleteRecordsHandler(f.Replicas, f.Loader), version, new DeleteRecordsRequest
            {
                Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0, Offset = 2 }] }],
            });
        Assert.Equal(2, deletedRecords.Topics[0].Partitions[0].LowWatermark);
    }

    private static async Task OffsetForLeaderEpochRoundTripsAsync(HandlerFixture f, short version)
    {
        int epoch = f.Partition("orders").State.LeaderEpoch;
        OffsetForLeaderEpochResponse epochs =
            await SendAsync<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
                new OffsetForLeaderEpochHandler(f.Replicas, f.Loader), version, new OffsetForLeaderEpochRequest
                {
                    Topics =
                    [
                        new()
                        {
                            Topic = "orders",
                            Partitions = [new() { Partition = 0, LeaderEpoch = epoch }],
                        },
                    ],
                });
        Assert.Equal(3, epochs.Topics[0].Partitions[0].EndOffset);
    }

    private static async Task DescribeLogDirsRoundTripsAsync(HandlerFixture f, short version)
    {
        DescribeLogDirsResponse dirs = await SendAsync<DescribeLogDirsRequest, DescribeLogDirsResponse>(
            new DescribeLogDirsHandler(f.Logs, f.Replicas), version,
            new DescribeLogDirsRequest { Topics = null });
        Assert.Equal(2, Assert.Single(Assert.Single(dirs.Results).Topics).Partitions.Count);
    }

    private static async Task DescribeTopicPartitionsRoundTripsAsync(HandlerFixture f, short version)
    {
        DescribeTopicPartitionsResponse partitions =
            await SendAsync<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>(
                new DescribeTopicPartitionsHandler(f.Loader), version,
                new DescribeTopicPartitionsRequest { Topics = [new() { Name = "orders" }] });
        Assert.Equal(2, Assert.Single(partitions.Topics).Partitions.Count);
    }

    private static Task<TResponse> SendAsync<TRequest, TResponse>(IApiHandler handler, short version, TRequest request)
        where TRequest : IKafkaMessage<TRequest>
        where TResponse : IKafkaMessage<TResponse> =>
        HandlerFixture.SendAsync<TRequest, TResponse>(handler, request, version);
}
