using Samsa.Broker.Handlers;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Cursor = Samsa.Protocol.Messages.DescribeTopicPartitionsRequest.CursorData;

namespace Samsa.Broker.Tests.Handlers;

// DescribeCluster and DescribeTopicPartitions, answered from the metadata image.
public sealed class ClusterHandlersTests
{
    [Fact]
    public async Task Describe_cluster_lists_unfenced_brokers_on_the_request_listener_and_this_node_as_controller()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(otherBrokers: [2, 3]);
        await f.HeartbeatAsync(3, wantFence: true);

        DescribeClusterResponse response = await DescribeClusterAsync(f, new DescribeClusterRequest(), 1);

        Assert.Equal((0, HandlerFixture.ClusterId, HandlerFixture.NodeId, (sbyte)1),
            (response.ErrorCode, response.ClusterId, response.ControllerId, response.EndpointType));
        Assert.Equal([(1, "127.0.0.1", 9091, "rack-a"), (2, "127.0.0.1", 9092, null)],
            response.Brokers.Select(b => (b.BrokerId, b.Host, b.Port, b.Rack)));
        Assert.Equal(int.MinValue, response.ClusterAuthorizedOperations);
    }

    [Theory]
    [InlineData(2, ErrorCode.MismatchedEndpointType)]
    [InlineData(3, ErrorCode.UnsupportedEndpointType)]
    public async Task Describe_cluster_describes_broker_endpoints_only(sbyte endpointType, ErrorCode expected)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();

        DescribeClusterResponse response =
            await DescribeClusterAsync(f, new DescribeClusterRequest { EndpointType = endpointType }, 1);

        Assert.Equal((short)expected, response.ErrorCode);
        Assert.False(string.IsNullOrEmpty(response.ErrorMessage));
        Assert.Empty(response.Brokers);
    }

    [Fact]
    public async Task Describe_cluster_reports_every_cluster_operation_when_asked()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();

        DescribeClusterResponse response = await DescribeClusterAsync(f,
            new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true }, 0);

        // CREATE(5), ALTER(7), DESCRIBE(8), CLUSTER_ACTION(9), DESCRIBE_CONFIGS(10), ALTER_CONFIGS(11),
        // IDEMPOTENT_WRITE(12).
        Assert.Equal(0b1_1111_1010_0000, response.ClusterAuthorizedOperations);
    }

    [Fact]
    public async Task Describe_topic_partitions_pages_through_every_topic_with_a_cursor()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("c");
        await f.CreateTopicAsync("a", partitions: 3);
        await f.CreateTopicAsync("b", partitions: 2);

        DescribeTopicPartitionsResponse first = await PartitionsAsync(f, limit: 4);
        Assert.Equal([("a", 0), ("a", 1), ("a", 2), ("b", 0)], Flatten(first));
        Assert.Equal(("b", 1), (first.NextCursor!.TopicName, first.NextCursor.PartitionIndex));

        DescribeTopicPartitionsResponse second =
            await PartitionsAsync(f, limit: 4, cursor: new() { TopicName = "b", PartitionIndex = 1 });
        Assert.Equal([("b", 1), ("c", 0)], Flatten(second));
        Assert.Null(second.NextCursor);

        DescribeTopicPartitionsResponse exact = await PartitionsAsync(f, limit: 3);
        Assert.Equal([("a", 0), ("a", 1), ("a", 2)], Flatten(exact));
        Assert.Equal(("b", 0), (exact.NextCursor!.TopicName, exact.NextCursor.PartitionIndex));
    }

    [Fact]
    public async Task Describe_topic_partitions_describes_each_partition_and_names_missing_topics()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(otherBrokers: 2);
        await f.CreateTopicAsync("here");
        await f.CreateTopicAsync("there", replicas: [2, 1]);
        await f.HeartbeatAsync(2, wantFence: true);

        DescribeTopicPartitionsResponse response =
            await PartitionsAsync(f, limit: 2000, cursor: null, "there", "missing", "bad/name", "here");

        Assert.Equal(
            [
                ("bad/name", ErrorCode.InvalidTopicException), ("here", ErrorCode.None),
                ("missing", ErrorCode.UnknownTopicOrPartition), ("there", ErrorCode.None),
            ],
            response.Topics.Select(t => (t.Name, (ErrorCode)t.ErrorCode)));
        DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic here = response.Topics[1];
        Assert.Equal(f.Topic("here").TopicId, here.TopicId);
        DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition p = Assert.Single(here.Partitions);
        Assert.Equal((1, f.Topic("here").Partitions[0].LeaderEpoch), (p.LeaderId, p.LeaderEpoch));
        Assert.Equal([1], p.ReplicaNodes);
        Assert.Equal([1], p.IsrNodes);
        Assert.Empty(p.EligibleLeaderReplicas!);
        Assert.Empty(p.LastKnownElr!);
        Assert.Empty(p.OfflineReplicas);
        DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition there =
            Assert.Single(response.Topics[3].Partitions);
        Assert.Equal([2, 1], there.ReplicaNodes);
        Assert.Equal([2], there.OfflineReplicas);
        Assert.Equal(1, there.LeaderId);
    }

    [Fact]
    public async Task Describe_topic_partitions_reports_the_eligible_leader_replicas()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(otherBrokers: 2);
        await f.CreateTopicAsync("kept", configs: [new("min.insync.replicas", "2")], replicas: [1, 2]);
        await f.HeartbeatAsync(2, wantFence: true);

        DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition p =
            Assert.Single(Assert.Single((await PartitionsAsync(f, limit: 10, cursor: null, "kept")).Topics).Partitions);
        Assert.Equal([1], p.IsrNodes);
        Assert.Equal([2], p.EligibleLeaderReplicas);
        Assert.Empty(p.LastKnownElr!);

        await f.HeartbeatAsync(1, wantFence: true);
        p = Assert.Single(Assert.Single((await PartitionsAsync(f, limit: 10, cursor: null, "kept")).Topics).Partitions);
        Assert.Equal(-1, p.LeaderId);
        Assert.Empty(p.IsrNodes);
        Assert.Equal([1, 2], p.EligibleLeaderReplicas);
        Assert.Equal([1], p.LastKnownElr);
    }

    [Fact]
    public async Task Describe_topic_partitions_refuses_a_cursor_outside_the_named_topics()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("a");

        DescribeTopicPartitionsResponse outside =
            await PartitionsAsync(f, limit: 10, cursor: new() { TopicName = "z", PartitionIndex = 0 }, "a");
        DescribeTopicPartitionsResponse negative =
            await PartitionsAsync(f, limit: 10, cursor: new() { TopicName = "a", PartitionIndex = -1 });

        Assert.Equal([("a", (short)ErrorCode.InvalidRequest)], outside.Topics.Select(t => (t.Name, t.ErrorCode)));
        Assert.Empty(negative.Topics);
        Assert.Null(negative.NextCursor);
    }

    private static List<(string?, int)> Flatten(DescribeTopicPartitionsResponse response) =>
        [.. response.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex)))];

    private static Task<DescribeClusterResponse> DescribeClusterAsync(HandlerFixture f,
        DescribeClusterRequest request, short version) =>
        HandlerFixture.SendAsync<DescribeClusterRequest, DescribeClusterResponse>(
            new DescribeClusterHandler(f.Options, f.Loader), request, version);

    private static Task<DescribeTopicPartitionsResponse> PartitionsAsync(HandlerFixture f, int limit,
        Cursor? cursor = null, params string[] topics) =>
        HandlerFixture.SendAsync<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>(
            new DescribeTopicPartitionsHandler(f.Loader),
            new DescribeTopicPartitionsRequest
            {
                Topics = [.. topics.Select(t => new DescribeTopicPartitionsRequest.TopicRequest { Name = t })],
                ResponsePartitionLimit = limit,
                Cursor = cursor,
            }, 0);
}
