namespace Samsa.Broker.Groups;

/// <summary>What the group coordinator needs from the configuration, typed and immutable.</summary>
public sealed record GroupCoordinatorOptions
{
    /// <summary>offsets.topic.num.partitions: partitions of <c>__consumer_offsets</c> when Samsa creates it.</summary>
    public int OffsetsTopicNumPartitions { get; init; } = 50;

    /// <summary>offsets.topic.replication.factor, lowered to the live brokers at creation (with a warning); the
    /// controller grows the topic to it as brokers join.</summary>
    public short OffsetsTopicReplicationFactor { get; init; } = 3;

    /// <summary>offsets.retention.minutes: how long committed offsets outlive an empty group.</summary>
    public TimeSpan OffsetsRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>group.initial.rebalance.delay.ms: the wait for more members before a new group's first
    /// rebalance.</summary>
    public TimeSpan InitialRebalanceDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>group.min.session.timeout.ms.</summary>
    public TimeSpan MinSessionTimeout { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>group.max.session.timeout.ms.</summary>
    public TimeSpan MaxSessionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>group.max.size: members a classic group may hold.</summary>
    public int MaxSize { get; init; } = int.MaxValue;

    /// <summary>group.consumer.session.timeout.ms: how long a consumer-protocol member lives without a
    /// heartbeat.</summary>
    public TimeSpan ConsumerSessionTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>group.consumer.heartbeat.interval.ms: how often consumer-protocol members are told to
    /// heartbeat.</summary>
    public TimeSpan ConsumerHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>group.consumer.max.size: members a consumer group may hold.</summary>
    public int ConsumerMaxSize { get; init; } = int.MaxValue;

    /// <summary>offset.metadata.max.bytes: the longest metadata string a commit may carry.</summary>
    public int OffsetMetadataMaxBytes { get; init; } = 4096;

    /// <summary>
    /// The largest batch the coordinator writes to <c>__consumer_offsets</c> (Kafka's message.max.bytes default): a
    /// group whose metadata record is larger cannot complete a rebalance (SyncGroup gets UNKNOWN_SERVER_ERROR, as
    /// from Kafka), a commit larger than this gets INVALID_COMMIT_OFFSET_SIZE.
    /// </summary>
    public int MaxRecordBatchBytes { get; init; } = 1_048_588;

    /// <summary>offsets.commit.timeout.ms: how long a write to <c>__consumer_offsets</c> waits for the in-sync
    /// replicas before the client is told COORDINATOR_NOT_AVAILABLE and retries.</summary>
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
