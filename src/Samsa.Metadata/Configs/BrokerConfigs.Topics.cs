namespace Samsa.Metadata.Configs;

// How topics are created and deleted, and the defaults of their replication.
public static partial class BrokerConfigs
{
    /// <summary>
    /// Kafka's names of compression.type (BrokerCompressionType), in its order. Declared first: CompressionType
    /// reads it, and static fields initialize in the order they are written.
    /// </summary>
    internal static readonly IReadOnlyList<string> CompressionTypes =
        ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

    public static readonly ConfigDef<int> NumPartitions = ConfigDef.Int("num.partitions", defaultValue: 1, min: 1,
        importance: ConfigImportance.Medium,
        doc: "Partitions of a topic created without a partition count (auto-creation, CreateTopics with -1).");

    public static readonly ConfigDef<int> DefaultReplicationFactor = ConfigDef.Int("default.replication.factor",
        defaultValue: 1, min: 1, importance: ConfigImportance.Medium,
        doc: "Replicas of a topic created without a replication factor (auto-creation, CreateTopics with -1).");

    public static readonly ConfigDef<int> MinInsyncReplicas = ConfigDef.Int("min.insync.replicas", defaultValue: 1,
        min: 1, dynamic: true, importance: ConfigImportance.High,
        doc: "Fewest in-sync replicas that must hold a batch before an acks=all produce succeeds; below it such "
            + "produces fail with NOT_ENOUGH_REPLICAS, and the high watermark does not advance.");

    public static readonly ConfigDef<bool> AutoCreateTopicsEnable = ConfigDef.Bool("auto.create.topics.enable",
        defaultValue: true, importance: ConfigImportance.High,
        doc: "Whether a Metadata request naming an unknown topic creates it, with num.partitions and "
            + "default.replication.factor, when the client allows auto-creation.");

    public static readonly ConfigDef<bool> DeleteTopicEnable = ConfigDef.Bool("delete.topic.enable",
        defaultValue: true, importance: ConfigImportance.High,
        doc: "Whether DeleteTopics may delete topics; when false it fails with TOPIC_DELETION_DISABLED.");

    public static readonly ConfigDef<bool> UncleanLeaderElectionEnable = ConfigDef.Bool(
        "unclean.leader.election.enable", defaultValue: false, dynamic: true, importance: ConfigImportance.High,
        doc: "Whether a replica outside the ISR may become leader when no in-sync replica is alive: the partition "
            + "comes back sooner, and loses the records only the old ISR held.");

    public static readonly ConfigDef<string> CompressionType = ConfigDef.String("compression.type",
        defaultValue: "producer", validValues: CompressionTypes, dynamic: true, importance: ConfigImportance.High,
        doc: "The default compression.type: the codec batches are stored with. producer keeps each batch as its "
            + "producer compressed it (no decoding); uncompressed, gzip, snappy, lz4 or zstd has the leader "
            + "recompress every batch that comes with another codec, at the level compression.<codec>.level sets.");

    public static readonly ConfigDef<int> CompressionGzipLevel = ConfigDef.Int("compression.gzip.level",
        defaultValue: GzipDefaultLevel, validate: ValidateGzipLevel, validValuesText: "[1,...,9] or -1",
        dynamic: true, importance: ConfigImportance.Medium,
        doc: "The default compression.gzip.level: the level of batches recompressed to gzip; -1 is zlib's "
            + "default (6).");

    public static readonly ConfigDef<int> CompressionLz4Level = ConfigDef.Int("compression.lz4.level",
        defaultValue: 9, min: 1, max: 17, dynamic: true, importance: ConfigImportance.Medium,
        doc: "The default compression.lz4.level: the level of batches recompressed to lz4.");

    public static readonly ConfigDef<int> CompressionZstdLevel = ConfigDef.Int("compression.zstd.level",
        defaultValue: 3, min: -131072, max: 22, dynamic: true, importance: ConfigImportance.Medium,
        doc: "The default compression.zstd.level: the level of batches recompressed to zstd.");

    /// <summary>zlib's default level (Deflater.DEFAULT_COMPRESSION), Kafka's default for gzip.</summary>
    internal const int GzipDefaultLevel = -1;

    /// <summary>Kafka's gzip level validator: 1 (fastest) to 9 (smallest), or -1 for zlib's default.</summary>
    internal static string? ValidateGzipLevel(int level) =>
        level is GzipDefaultLevel or (>= 1 and <= 9) ? null : "must be between 1 and 9, or -1";
}
