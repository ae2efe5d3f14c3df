using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Partition = Samsa.Broker.Replication.Partition;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// Followers copy their leaders: two brokers in this process, a topic with two replicas per partition, a real
/// producer; each follower's log ends where its leader's does, byte for byte in size, and follows its log start.
/// </summary>
public sealed class ReplicationTests
{
    private const string Topic = "replicated";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_follower_holds_what_its_leader_holds_and_follows_its_log_start()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(brokers: 2);
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = Topic, NumPartitions = 2, ReplicationFactor = 2 }]);
        }
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            for (int i = 0; i < 100; i++)
            {
                await producer.ProduceAsync(new TopicPartition(Topic, i % 2),
                    new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(i) }, Ct);
            }
        }

        for (int p = 0; p < 2; p++)
        {
            (Partition leader, Partition follower) = Replicas(cluster, p);
            Assert.Equal(50, leader.Log.LogEndOffset);
            await Eventually.TrueAsync(() => follower.Log.LogEndOffset == leader.Log.LogEndOffset, Deadline,
                $"the follower of partition {p} to reach offset {leader.Log.LogEndOffset}");
            Assert.Equal(leader.Log.Size, follower.Log.Size);
            Assert.Equal(leader.Log.LatestEpoch, follower.Log.LatestEpoch);
        }

        using (IAdminClient admin = cluster.CreateAdmin())
        {
            await admin.DeleteRecordsAsync([new TopicPartitionOffset(Topic, 0, 20)]);
        }
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            await producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<byte[]?, byte[]?> { Value = [1] },
                Ct);
        }
        (Partition leader0, Partition follower0) = Replicas(cluster, 0);
        await Eventually.TrueAsync(() => follower0.Log.LogStartOffset == 20 && follower0.Log.LogEndOffset == 51,
            Deadline, "the follower of partition 0 to start at 20 and end at 51");
        Assert.Equal(20, leader0.Log.LogStartOffset);
    }

    [Fact]
    public async Task Only_a_registered_broker_with_its_own_epoch_fetches_as_a_follower()
    {
        // fetch.max.bytes caps a consumer's fetch, never a follower's: what tells the two apart on the wire.
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(brokers: 2,
            configure: (_, s) => s["fetch.max.bytes"] = "1024");
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = Topic, NumPartitions = 1, ReplicationFactor = 1 }]);
        }
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer(c => c.LingerMs = 0))
        {
            for (int i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(new TopicPartition(Topic, 0),
                    new Message<byte[]?, byte[]?> { Value = new byte[600] }, Ct);
            }
        }
        Assert.True(cluster.NodeWithId(1).Metadata.Current.Topics.TryGetTopic(Topic, out var topic));
        int leader = topic.Partitions[0].Leader, other = 3 - leader;
        Assert.True(cluster.NodeWithId(1).Metadata.Current.Brokers.TryGetBroker(other, out var registration));
        string at = cluster.Nodes[leader - 1].BootstrapServers;

        long follower = await FetchedBytesAsync(at, topic.TopicId, other, registration.BrokerEpoch);
        long staleEpoch = await FetchedBytesAsync(at, topic.TopicId, other, registration.BrokerEpoch + 7);
        long stranger = await FetchedBytesAsync(at, topic.TopicId, replicaId: 9, -1);

        Assert.True(follower > 6000, $"the follower's fetch read {follower} bytes");
        Assert.True(staleEpoch < 2000, $"a fetch with a stale broker epoch read {staleEpoch} bytes");
        Assert.True(stranger < 2000, $"a fetch from an unregistered replica id read {stranger} bytes");
    }

    private static async Task<long> FetchedBytesAsync(string bootstrap, Guid topicId, int replicaId, long epoch)
    {
        await using Support.RawKafkaConnection raw = await Support.RawKafkaConnection.ConnectAsync(bootstrap);
        var request = new Samsa.Protocol.Messages.FetchRequest { MaxWaitMs = 0, MinBytes = 1, MaxBytes = 1 << 20 };
        request.ReplicaState.ReplicaId = replicaId;
        request.ReplicaState.ReplicaEpoch = epoch;
        request.Topics.Add(new()
        {
            TopicId = topicId,
            Partitions = [new() { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }],
        });
        Samsa.Protocol.Messages.FetchResponse response =
            await Support.RawRequests.SendAsync<Samsa.Protocol.Messages.FetchResponse>(raw,
                Samsa.Protocol.ApiKey.Fetch, 17, request);
        Samsa.Protocol.Messages.FetchResponse.PartitionData data = response.Responses[0].Partitions[0];
        Assert.Equal(0, data.ErrorCode);
        return data.Records?.Length ?? 0;
    }

    private static (Partition Leader, Partition Follower) Replicas(SamsaCluster cluster, int partition)
    {
        Partition[] replicas = [.. Enumerable.Range(1, 2).Select(id =>
        {
            Assert.True(cluster.NodeWithId(id).Broker.Replicas.TryGetPartition(Topic, partition, out Partition? p));
            return p!;
        })];
        return replicas[0].State.IsLeader ? (replicas[0], replicas[1]) : (replicas[1], replicas[0]);
    }
}
