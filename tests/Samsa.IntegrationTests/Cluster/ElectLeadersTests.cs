using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// Confluent.Kafka's AdminClient.ElectLeadersAsync against two brokers, one of them not the controller, so the
/// election may be forwarded to the controller over the controller listener.
/// </summary>
public sealed class ElectLeadersTests
{
    private const string Topic = "elected";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_preferred_election_where_every_preferred_replica_leads_is_not_needed()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(brokers: 2);
        using IAdminClient admin = cluster.CreateAdmin();
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = Topic, NumPartitions = 2, ReplicationFactor = 2 }]);
        var options = new ElectLeadersOptions { RequestTimeout = Deadline, OperationTimeout = Deadline };

        ElectLeadersException refused = await Assert.ThrowsAsync<ElectLeadersException>(() =>
            admin.ElectLeadersAsync(ElectionType.Preferred,
                [new TopicPartition(Topic, 0), new TopicPartition(Topic, 1)], options).WaitAsync(Deadline,
                TestContext.Current.CancellationToken));

        Assert.Equal([0, 1], refused.Results.TopicPartitions.Select(p => p.Partition.Value).Order());
        Assert.All(refused.Results.TopicPartitions, p => Assert.Equal(ErrorCode.ElectionNotNeeded, p.Error.Code));
    }
}
