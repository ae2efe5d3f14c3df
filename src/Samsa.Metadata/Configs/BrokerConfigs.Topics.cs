namespace Samsa.Metadata.Configs;

// How topics are created and deleted, and the defaults of their replication.
public static partial class BrokerConfigs
{
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
        defaultValue: "producer", validValues: ["producer"], dynamic: true, importance: ConfigImportance.High,
        doc: "The codec batches are stored with. Samsa stores a batch as the producer compressed it (Kafka's "
            + "'producer'); recompression to a fixed codec is not supported, so no other value is accepted.");
}
