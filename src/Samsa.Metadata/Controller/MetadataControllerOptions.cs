namespace Samsa.Metadata.Controller;

/// <summary>The controller's settings, from the broker configuration (Kafka's names in the docs).</summary>
public sealed record MetadataControllerOptions
{
    /// <summary><c>num.partitions</c>: the partitions of a topic created with -1.</summary>
    public int DefaultNumPartitions { get; init; } = 1;

    /// <summary><c>default.replication.factor</c>: the replication factor of a topic created with -1.</summary>
    public short DefaultReplicationFactor { get; init; } = 1;

    /// <summary><c>unclean.leader.election.enable</c>: the value when neither the topic nor the cluster-wide broker
    /// default sets it. Off: a partition whose in-sync replicas are all gone waits for one to return.</summary>
    public bool UncleanLeaderElectionEnable { get; init; }

    /// <summary><c>min.insync.replicas</c>: the value when neither the topic nor the cluster-wide broker default sets
    /// it. Above 1 (and below the replication factor's cap), the controller tracks eligible leader replicas
    /// (KIP-966).</summary>
    public int MinInsyncReplicas { get; init; } = 1;

    /// <summary><c>offsets.topic.replication.factor</c>: the replicas <c>__consumer_offsets</c> grows to as brokers
    /// join, when it was created with fewer because fewer brokers were live.</summary>
    public short OffsetsTopicReplicationFactor { get; init; } = 3;

    /// <summary><c>delete.topic.enable</c>.</summary>
    public bool DeleteTopicEnable { get; init; } = true;

    /// <summary><c>broker.session.timeout.ms</c>: a broker that has not heartbeated for this long is fenced.</summary>
    public TimeSpan BrokerSessionTimeout { get; init; } = TimeSpan.FromSeconds(9);

    /// <summary>The producer ids in a block handed to a broker (1000, as in Kafka).</summary>
    public int ProducerIdBlockSize { get; init; } = 1000;

    /// <summary>The most partitions one request may create, so that a request cannot make a batch too large to write
    /// (Kafka's controller caps records per operation at 10,000).</summary>
    public int MaxPartitionsPerRequest { get; init; } = 10_000;
}
