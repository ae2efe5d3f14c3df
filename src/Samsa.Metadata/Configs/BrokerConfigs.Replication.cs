namespace Samsa.Metadata.Configs;

// Followers, consumer groups and producer ids.
public static partial class BrokerConfigs
{
    public static readonly ConfigDef<long> ReplicaLagTimeMaxMs = ConfigDef.Long("replica.lag.time.max.ms",
        defaultValue: 30_000, min: 1, importance: ConfigImportance.High,
        doc: "A follower that has not caught up to the leader's log end offset for this long leaves the ISR.");

    public static readonly ConfigDef<int> ReplicaFetchMaxBytes = ConfigDef.Int("replica.fetch.max.bytes",
        defaultValue: 1024 * 1024, min: 0, importance: ConfigImportance.Medium,
        doc: "Bytes a follower asks for per partition in one fetch. Not a hard limit: a first batch larger than "
            + "this is still returned, so replication always makes progress.");

    public static readonly ConfigDef<int> ReplicaFetchWaitMaxMs = ConfigDef.Int("replica.fetch.wait.max.ms",
        defaultValue: 500, min: 0, importance: ConfigImportance.Medium,
        doc: "How long a follower's fetch waits at the leader for new records before it is answered empty. Keep it "
            + "below replica.lag.time.max.ms.");

    public static readonly ConfigDef<int> ReplicaFetchResponseMaxBytes = ConfigDef.Int(
        "replica.fetch.response.max.bytes", defaultValue: 10 * 1024 * 1024, min: 0,
        importance: ConfigImportance.Medium,
        doc: "Bytes a follower asks for in all in one fetch. Not a hard limit: a first batch larger than this is "
            + "still returned.");

    public static readonly ConfigDef<long> ReplicaHighWatermarkCheckpointIntervalMs = ConfigDef.Long(
        "replica.high.watermark.checkpoint.interval.ms", defaultValue: 5000, min: 1,
        importance: ConfigImportance.High,
        doc: "How often each log dir's replication-offset-checkpoint is rewritten with the high watermarks, so a "
            + "restarted broker starts from what consumers could already see.");

    public static readonly ConfigDef<int> OffsetsTopicNumPartitions = ConfigDef.Int("offsets.topic.num.partitions",
        defaultValue: 50, min: 1, importance: ConfigImportance.High,
        doc: "Partitions of __consumer_offsets, fixed when it is created. Each group's coordinator is the leader "
            + "of the partition its id hashes to.");

    public static readonly ConfigDef<short> OffsetsTopicReplicationFactor = ConfigDef.Short(
        "offsets.topic.replication.factor", defaultValue: 3, min: 1, importance: ConfigImportance.High,
        doc: "Replicas of __consumer_offsets. With fewer live brokers Samsa creates it with one replica per live "
            + "broker and logs a warning, where Kafka refuses group requests until enough brokers join; the "
            + "controller then adds a replica on each broker that joins until the topic has this many.");

    public static readonly ConfigDef<int> OffsetsRetentionMinutes = ConfigDef.Int("offsets.retention.minutes",
        defaultValue: 7 * 24 * 60, min: 1, importance: ConfigImportance.High,
        doc: "How long a committed offset is kept once its group is empty (or, for a consumer without a group "
            + "membership, since its last commit).");

    public static readonly ConfigDef<int> GroupInitialRebalanceDelayMs = ConfigDef.Int(
        "group.initial.rebalance.delay.ms", defaultValue: 3000, min: 0, importance: ConfigImportance.Medium,
        doc: "How long the coordinator waits for more members to join a new, empty group before the first "
            + "rebalance: fewer rebalances at start-up, a later start. 0 suits tests.");

    public static readonly ConfigDef<int> GroupMinSessionTimeoutMs = ConfigDef.Int("group.min.session.timeout.ms",
        defaultValue: 6000, min: 1, importance: ConfigImportance.Medium,
        doc: "The shortest session.timeout.ms a consumer may ask for.");

    public static readonly ConfigDef<int> GroupMaxSessionTimeoutMs = ConfigDef.Int("group.max.session.timeout.ms",
        defaultValue: 1_800_000, min: 1, importance: ConfigImportance.Medium,
        doc: "The longest session.timeout.ms a consumer may ask for.");

    public static readonly ConfigDef<int> GroupMaxSize = ConfigDef.Int("group.max.size",
        defaultValue: int.MaxValue, min: 1, importance: ConfigImportance.Medium,
        doc: "The most members a classic group may hold; a join beyond it gets GROUP_MAX_SIZE_REACHED.");

    public static readonly ConfigDef<int> GroupConsumerSessionTimeoutMs = ConfigDef.Int(
        "group.consumer.session.timeout.ms", defaultValue: 45_000, min: 1, importance: ConfigImportance.Medium,
        doc: "How long a member of a consumer-protocol group (group.protocol=consumer, KIP-848) stays in the group "
            + "without a heartbeat. Kafka bounds it below by 45 s; Samsa does not, so tests can use short ones.");

    public static readonly ConfigDef<int> GroupConsumerHeartbeatIntervalMs = ConfigDef.Int(
        "group.consumer.heartbeat.interval.ms", defaultValue: 5000, min: 1, importance: ConfigImportance.Medium,
        doc: "How often members of consumer-protocol groups are told to heartbeat; a rebalance moves one step per "
            + "heartbeat, so a shorter interval rebalances faster.");

    public static readonly ConfigDef<int> GroupConsumerMaxSize = ConfigDef.Int("group.consumer.max.size",
        defaultValue: int.MaxValue, min: 1, importance: ConfigImportance.Medium,
        doc: "The most members a consumer-protocol group may hold.");

    public static readonly ConfigDef<int> ProducerIdExpirationMs = ConfigDef.Int("producer.id.expiration.ms",
        defaultValue: 86_400_000, min: 1, dynamic: true, importance: ConfigImportance.Low,
        doc: "How long a partition remembers an idempotent producer after its last batch (by that batch's "
            + "timestamp); after that the producer is forgotten, its next batch may start at any sequence, and a "
            + "retry of an older batch is no longer recognised as a duplicate.");
}
