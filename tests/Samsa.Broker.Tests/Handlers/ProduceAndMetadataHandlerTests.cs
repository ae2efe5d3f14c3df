using System.Buffers;
using Samsa.Broker.Handlers;
using Samsa.Protocol;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Tests.Handlers;

public sealed class ProduceAndMetadataHandlerTests
{
    private const long Timestamp = 1_735_689_600_000; // the fixture's clock: 2025-01-01

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Zstd)]
    public async Task A_compacted_topic_refuses_a_batch_with_keyless_records_and_names_each_one(
        CompressionType compression)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("profiles", configs: [new("cleanup.policy", "compact")]);
        byte[] batch = new RecordBatchBuilder(compression)
            .Add([1], [1], Timestamp).Add(null, [2], Timestamp).Add([3], [3], Timestamp).Add(null, null, Timestamp)
            .Build();

        ProduceResponse.PartitionProduceResponse result = await ProduceAsync(f, "profiles", batch);

        Assert.Equal((short)ErrorCode.InvalidRecord, result.ErrorCode);
        Assert.Equal([1, 3], result.RecordErrors.Select(e => e.BatchIndex));
        Assert.Contains("without key", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, f.Partition("profiles").Log.LogEndOffset);
    }

    [Fact]
    public async Task A_compacted_topic_takes_keyed_records_and_a_plain_topic_takes_keyless_ones()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("profiles", configs: [new("cleanup.policy", "compact,delete")]);
        await f.CreateTopicAsync("logs");

        ProduceResponse.PartitionProduceResponse keyed = await ProduceAsync(f, "profiles",
            new RecordBatchBuilder().Add([1], null, Timestamp).Build());
        ProduceResponse.PartitionProduceResponse keyless = await ProduceAsync(f, "logs",
            new RecordBatchBuilder().Add(null, [1], Timestamp).Build());

        Assert.Equal(0, keyed.ErrorCode);
        Assert.Equal(0, keyless.ErrorCode);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    public async Task Metadata_reports_authorized_operations_when_asked_as_a_broker_without_an_authorizer(
        short version)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("logs");
        var handler = new MetadataHandler(f.Options, f.Loader, f.Controller);

        MetadataResponse asked = await HandlerFixture.SendAsync<MetadataRequest, MetadataResponse>(handler,
            new MetadataRequest
            {
                Topics = null, IncludeClusterAuthorizedOperations = true, IncludeTopicAuthorizedOperations = true,
            }, version);
        MetadataResponse notAsked = await HandlerFixture.SendAsync<MetadataRequest, MetadataResponse>(handler,
            new MetadataRequest { Topics = null }, version);

        // READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (ACL codes 3-8, 10, 11).
        Assert.Equal(0b110111111000, Assert.Single(asked.Topics).TopicAuthorizedOperations);
        // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE (5, 7-12).
        Assert.Equal(0b1111110100000, asked.ClusterAuthorizedOperations);
        Assert.Equal(int.MinValue, Assert.Single(notAsked.Topics).TopicAuthorizedOperations);
        Assert.Equal(int.MinValue, notAsked.ClusterAuthorizedOperations);
    }

    [Fact]
    public async Task Metadata_v11_and_later_carry_topic_operations_but_no_cluster_operations()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("logs");
        var handler = new MetadataHandler(f.Options, f.Loader, f.Controller);

        MetadataResponse response = await HandlerFixture.SendAsync<MetadataRequest, MetadataResponse>(handler,
            new MetadataRequest { Topics = null, IncludeTopicAuthorizedOperations = true }, 12);

        Assert.Equal(0b110111111000, Assert.Single(response.Topics).TopicAuthorizedOperations);
        Assert.Equal(int.MinValue, response.ClusterAuthorizedOperations);
    }

    private static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(HandlerFixture f, string topic,
        byte[] batch)
    {
        var request = new ProduceRequest { Acks = 1, TimeoutMs = 1000 };
        request.TopicData.Add(new ProduceRequest.TopicProduceData
        {
            Name = topic,
            PartitionData =
            [
                new ProduceRequest.PartitionProduceData { Index = 0, Records = new ReadOnlySequence<byte>(batch) },
            ],
        });
        ProduceResponse response = await HandlerFixture.SendAsync<ProduceRequest, ProduceResponse>(
            new ProduceHandler(f.Replicas, f.Loader, f.Time), request, 11);
        return Assert.Single(Assert.Single(response.Responses).PartitionResponses);
    }
}
