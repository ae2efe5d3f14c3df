using Samsa.Broker.Handlers;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Handlers;

// The answer each admin handler gives when the whole request fails (here UNSUPPORTED_VERSION) can be written at
// every version it declares.
public sealed partial class AdminHandlerVersionsTests
{
    private const ErrorCode Error = ErrorCode.UnsupportedVersion;

    /// <summary>For each API, a small request, the whole-request error answer to it at the given version, and where
    /// that answer carries the error.</summary>
    private static readonly Dictionary<ApiKey, Action<HandlerFixture, short>> ErrorSamples = new()
    {
        [ApiKey.CreateTopics] = CreateTopicsErrorIsWritten,
        [ApiKey.DeleteTopics] = DeleteTopicsErrorIsWritten,
        [ApiKey.CreatePartitions] = CreatePartitionsErrorIsWritten,
        [ApiKey.DescribeConfigs] = DescribeConfigsErrorIsWritten,
        [ApiKey.AlterConfigs] = AlterConfigsErrorIsWritten,
        [ApiKey.IncrementalAlterConfigs] = IncrementalAlterConfigsErrorIsWritten,
        [ApiKey.DescribeCluster] = DescribeClusterErrorIsWritten,
        [ApiKey.DeleteRecords] = DeleteRecordsErrorIsWritten,
        [ApiKey.OffsetForLeaderEpoch] = OffsetForLeaderEpochErrorIsWritten,
        [ApiKey.DescribeLogDirs] = DescribeLogDirsErrorIsWritten,
        [ApiKey.DescribeTopicPartitions] = DescribeTopicPartitionsErrorIsWritten,
    };

    [Theory]
    [MemberData(nameof(DeclaredVersions))]
    public async Task Whole_request_error_response_can_be_written_at_every_declared_version(string api, short version)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();

        Assert.True(ErrorSamples.TryGetValue(Enum.Parse<ApiKey>(api), out Action<HandlerFixture, short>? sample),
            $"no sample request for {api}");
        sample(f, version);
    }

    private static void CreateTopicsErrorIsWritten(HandlerFixture f, short version)
    {
        CreateTopicsResponse created = HandlerFixture.ErrorResponse<CreateTopicsRequest, CreateTopicsResponse>(
            new CreateTopicsHandler(f.Options, f.Loader, f.Controller),
            new CreateTopicsRequest { Topics = [new() { Name = "a" }] }, version, Error);
        Assert.Equal((short)Error, Assert.Single(created.Topics).ErrorCode);
    }

    private static void DeleteTopicsErrorIsWritten(HandlerFixture f, short version)
    {
        DeleteTopicsRequest delete = version >= 6
            ? new() { Topics = [new() { Name = "a" }] }
            : new() { TopicNames = ["a"] };
        DeleteTopicsResponse deleted = HandlerFixture.ErrorResponse<DeleteTopicsRequest, DeleteTopicsResponse>(
            new DeleteTopicsHandler(f.Controller), delete, version, Error);
        Assert.Equal((short)Error, Assert.Single(deleted.Responses).ErrorCode);
    }

    private static void CreatePartitionsErrorIsWritten(HandlerFixture f, short version)
    {
        CreatePartitionsResponse grown =
            HandlerFixture.ErrorResponse<CreatePartitionsRequest, CreatePartitionsResponse>(
                new CreatePartitionsHandler(f.Controller),
                new CreatePartitionsRequest { Topics = [new() { Name = "a", Count = 2 }] }, version, Error);
        Assert.Equal((short)Error, Assert.Single(grown.Results).ErrorCode);
    }

    private static void DescribeConfigsErrorIsWritten(HandlerFixture f, short version)
    {
        DescribeConfigsResponse described =
            HandlerFixture.ErrorResponse<DescribeConfigsRequest, DescribeConfigsResponse>(
                new DescribeConfigsHandler(f.Options, f.Loader),
                new DescribeConfigsRequest { Resources = [new() { ResourceType = 2, ResourceName = "a" }] },
                version, Error);
        Assert.Equal((short)Error, Assert.Single(described.Results).ErrorCode);
    }

    private static void AlterConfigsErrorIsWritten(HandlerFixture f, short version)
    {
        AlterConfigsResponse altered = HandlerFixture.ErrorResponse<AlterConfigsRequest, AlterConfigsResponse>(
            new AlterConfigsHandler(f.Options.NodeId, f.Controller),
            new AlterConfigsRequest { Resources = [new() { ResourceType = 2, ResourceName = "a" }] }, version,
            Error);
        Assert.Equal((short)Error, Assert.Single(altered.Responses).ErrorCode);
    }

    private static void IncrementalAlterConfigsErrorIsWritten(HandlerFixture f, short version)
    {
        IncrementalAlterConfigsResponse incremental =
            HandlerFixture.ErrorResponse<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(
                new IncrementalAlterConfigsHandler(f.Options.NodeId, f.Controller),
                new IncrementalAlterConfigsRequest
                {
                    Resources = [new() { ResourceType = 2, ResourceName = "a" }],
                },
                version, Error);
        Assert.Equal((short)Error, Assert.Single(incremental.Responses).ErrorCode);
    }

    private static void DescribeClusterErrorIsWritten(HandlerFixture f, short version)
    {
        DescribeClusterResponse cluster =
            HandlerFixture.ErrorResponse<DescribeClusterRequest, DescribeClusterResponse>(
                new DescribeClusterHandler(f.Options, f.Loader), new DescribeClusterRequest(), version, Error);
        Assert.Equal((short)Error, cluster.ErrorCode);
    }

    private static void DeleteRecordsErrorIsWritten(HandlerFixture f, short version)
    {
        DeleteRecordsResponse records =
            HandlerFixture.ErrorResponse<DeleteRecordsRequest, DeleteRecordsResponse>(
                new DeleteRecordsHandler(f.Replicas, f.Loader),
                new DeleteRecordsRequest
                {
                    Topics = [new() { Name = "a", Partitions = [new() { PartitionIndex = 0 }] }],
                },
                version, Error);
        Assert.Equal((short)Error, records.Topics[0].Partitions[0].ErrorCode);
    }

    private static void OffsetForLeaderEpochErrorIsWritten(HandlerFixture f, short version)
    {
        OffsetForLeaderEpochResponse epochs =
            HandlerFixture.ErrorResponse<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
                new OffsetForLeaderEpochHandler(f.Replicas, f.Loader),
                new OffsetForLeaderEpochRequest { Topics = [new() { Topic = "a", Partitions = [new()] }] },
                version, Error);
        Assert.Equal((short)Error, epochs.Topics[0].Partitions[0].ErrorCode);
    }

    private static void DescribeLogDirsErrorIsWritten(HandlerFixture f, short version)
    {
        DescribeLogDirsResponse dirs =
            HandlerFixture.ErrorResponse<DescribeLogDirsRequest, DescribeLogDirsResponse>(
                new DescribeLogDirsHandler(f.Logs, f.Replicas), new DescribeLogDirsRequest(), version, Error);
        Assert.Empty(dirs.Results);
    }

    private static void DescribeTopicPartitionsErrorIsWritten(HandlerFixture f, short version)
    {
        DescribeTopicPartitionsResponse partitions =
            HandlerFixture.ErrorResponse<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>(
                new DescribeTopicPartitionsHandler(f.Loader),
                new DescribeTopicPartitionsRequest { Topics = [new() { Name = "a" }] }, version, Error);
        Assert.Equal((short)Error, Assert.Single(partitions.Topics).ErrorCode);
    }
}
