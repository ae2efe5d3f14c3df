using Confluent.Kafka;
using Samsa.Protocol;
using Samsa.Metadata.Network;
using Samsa.Protocol.Messages;
using ErrorCode = Samsa.Protocol.ErrorCode;

namespace Samsa.IntegrationTests;

// The inter-broker client against a real Samsa node: what the controller channel and the follower fetchers use.
public sealed class NodeClientTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_client_negotiates_versions_with_a_samsa_node_and_pipelines_admin_and_metadata_requests()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        string[] bootstrap = cluster.BootstrapServers.Split(':');
        await using var client = new NodeClient(bootstrap[0], int.Parse(bootstrap[1]),
            KafkaClientOptions.Default("samsa-node-client-test"), TimeProvider.System);

        Assert.Equal(MetadataRequest.HighestSupportedVersion,
            await client.VersionForAsync<MetadataRequest>(ApiKey.Metadata, Ct));
        var create = new CreateTopicsRequest
        {
            Topics =
            [
                new CreateTopicsRequest.CreatableTopic
                {
                    Name = "node-client", NumPartitions = 4, ReplicationFactor = 1,
                },
            ],
        };
        CreateTopicsResponse created = await client
            .SendAsync<CreateTopicsRequest, CreateTopicsResponse>(ApiKey.CreateTopics, create, Ct)
            .WaitAsync(Deadline, Ct);
        Assert.Equal((short)ErrorCode.None, Assert.Single(created.Topics).ErrorCode);

        MetadataResponse[] answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            client.SendAsync<MetadataRequest, MetadataResponse>(ApiKey.Metadata,
                new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = "node-client" }] },
                Ct))).WaitAsync(Deadline, Ct);
        Assert.All(answers, a => Assert.Equal(4, Assert.Single(a.Topics).Partitions.Count));

        using IAdminClient admin = cluster.CreateAdmin();
        Confluent.Kafka.Metadata seen = admin.GetMetadata("node-client", Deadline);
        Assert.Equal(4, Assert.Single(seen.Topics).Partitions.Count);
    }
}
