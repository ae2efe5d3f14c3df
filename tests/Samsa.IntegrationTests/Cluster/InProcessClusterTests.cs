using System.Diagnostics;
using System.Net;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol.Messages;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// Several Samsa nodes in this process (the harness <c>samsa dev --brokers N</c> mirrors): a failed log dir reaches
/// the controller, and each client listener answers with its own endpoints.
/// </summary>
public sealed class InProcessClusterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_broker_whose_only_log_dir_fails_is_fenced_at_once_and_its_partitions_lose_their_leader()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(brokers: 2);
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = "disks", NumPartitions = 4, ReplicationFactor = 1 }]);
        }
        string node1 = cluster.Nodes[0].BootstrapServers;
        MetadataResponse before = await Eventually.ValueAsync(() => RawMetadataAsync(node1, "disks"),
            m => m.Brokers.Count == 2 && m.Topics[0].Partitions.Count == 4
                && m.Topics[0].Partitions.All(p => p.LeaderId >= 0), Deadline, "both brokers to lead partitions");
        int[] onNode2 = [.. before.Topics[0].Partitions.Where(p => p.LeaderId == 2).Select(p => p.PartitionIndex)];
        Assert.NotEmpty(onNode2);

        var failed = Stopwatch.StartNew();
        cluster.NodeWithId(2).Logs.LogDirectories[0].MarkOffline("a test", new IOException("Input/output error"));
        MetadataResponse after = await Eventually.ValueAsync(() => RawMetadataAsync(node1, "disks"),
            m => m.Brokers.Count == 1, Deadline, "node 2 to be fenced");
        // Told by an immediate heartbeat, not at the next 2 s beat, nor after the 9 s session.
        Assert.True(failed.Elapsed < TimeSpan.FromSeconds(2), $"fenced after {failed.Elapsed.TotalMilliseconds} ms");
        foreach (MetadataResponse.MetadataResponsePartition partition in after.Topics[0].Partitions)
        {
            bool lost = onNode2.Contains(partition.PartitionIndex);
            Assert.Equal(lost ? -1 : 1, partition.LeaderId);
            Assert.Equal(lost ? [2] : [], partition.OfflineReplicas);
        }
    }

    [Fact]
    public async Task Each_client_listener_answers_Metadata_and_FindCoordinator_with_its_own_endpoints()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(s =>
        {
            s["listeners"] = "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0";
            s["advertised.listeners"] = "INTERNAL://127.0.0.1:0,EXTERNAL://localhost:0";
            s["listener.security.protocol.map"] = "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT";
            s["inter.broker.listener.name"] = "INTERNAL";
        });
        IReadOnlyDictionary<string, IPEndPoint> endpoints = cluster.Node.KafkaEndpoints;
        foreach ((string listener, string host) in new[] { ("INTERNAL", "127.0.0.1"), ("EXTERNAL", "localhost") })
        {
            IPEndPoint endpoint = endpoints[listener];
            string bootstrap = $"127.0.0.1:{endpoint.Port}";
            MetadataResponse metadata = await RawMetadataAsync(bootstrap, null);
            MetadataResponse.MetadataResponseBroker broker = Assert.Single(metadata.Brokers);
            Assert.Equal((host, endpoint.Port), (broker.Host, broker.Port));

            await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(bootstrap);
            FindCoordinatorResponse coordinator = await Eventually.ValueAsync(
                () => RawRequests.SendAsync<FindCoordinatorResponse>(raw, Samsa.Protocol.ApiKey.FindCoordinator, 4,
                    new FindCoordinatorRequest { CoordinatorKeys = ["listeners-group"] }),
                r => r.Coordinators[0].ErrorCode == 0, Deadline, "the group coordinator to load");
            Assert.Equal((host, endpoint.Port), (coordinator.Coordinators[0].Host, coordinator.Coordinators[0].Port));
        }
    }

    private static async Task<MetadataResponse> RawMetadataAsync(string bootstrap, string? topic)
    {
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(bootstrap);
        return await RawRequests.SendAsync<MetadataResponse>(raw, Samsa.Protocol.ApiKey.Metadata, 12,
            new MetadataRequest
            {
                Topics = topic is null ? null : [new MetadataRequest.MetadataRequestTopic { Name = topic }],
            });
    }
}
