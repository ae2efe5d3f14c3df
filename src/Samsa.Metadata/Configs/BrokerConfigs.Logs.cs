namespace Samsa.Metadata.Configs;

// The partition logs: where they live and the broker-wide defaults of the topic-level log configs. Each dynamic
// key here is the synonym of a key in TopicConfigs.
public static partial class BrokerConfigs
{
    private const long Hour = 60 * 60 * 1000;

    public static readonly ConfigDef<string> LogDir = ConfigDef.String("log.dir", defaultValue: "data",
        validate: text => text.Length == 0 ? "must not be empty" : null, importance: ConfigImportance.High,
        doc: "The directory of the partition logs when log.dirs is unset. Samsa's default, ./data, is relative to "
            + "the working directory; Kafka's /tmp/kafka-logs does not survive a reboot.");

    public static readonly ConfigDef<string?> LogDirs = ConfigDef.OptionalString("log.dirs", validate: ValidateLogDirs,
        validValuesText: "DIR,...", importance: ConfigImportance.High,
        doc: "The directories of the partition logs, comma-separated; new partitions go to the one holding "
            + "fewest. Each is stamped with meta.properties (cluster.id, node.id). Unset: log.dir.");

    public static readonly ConfigDef<int> NumRecoveryThreadsPerDataDir = ConfigDef.Int(
        "num.recovery.threads.per.data.dir", defaultValue: 2, min: 1, importance: ConfigImportance.High,
        doc: "Logs of one directory opened (and, after a crash, recovered) in parallel at start-up.");

    public static readonly ConfigDef<int> LogSegmentBytes = ConfigDef.Int("log.segment.bytes",
        defaultValue: 1 << 30, min: 1 << 20, dynamic: true, importance: ConfigImportance.High,
        doc: "The default segment.bytes: a log rolls to a new segment before one would grow past this size.");

    public static readonly ConfigDef<long?> LogRollMs = ConfigDef.OptionalLong("log.roll.ms", min: 1, dynamic: true,
        importance: ConfigImportance.High,
        doc: "The default segment.ms: a log rolls once its active segment's first batch is this old. Unset: "
            + "log.roll.hours.");

    public static readonly ConfigDef<int> LogRollHours = ConfigDef.Int("log.roll.hours", defaultValue: 168, min: 1,
        dynamic: true, importance: ConfigImportance.High,
        doc: "log.roll.ms in hours, used when log.roll.ms is unset.");

    public static readonly ConfigDef<long?> LogRetentionMs = ConfigDef.OptionalLong("log.retention.ms", min: -1,
        dynamic: true, importance: ConfigImportance.High,
        doc: "The default retention.ms: segments whose newest record is older than this are deleted; -1 keeps "
            + "them. Unset: log.retention.minutes, then log.retention.hours.");

    public static readonly ConfigDef<int?> LogRetentionMinutes = ConfigDef.OptionalInt("log.retention.minutes",
        min: -1, dynamic: true, importance: ConfigImportance.High,
        doc: "log.retention.ms in minutes, used when log.retention.ms is unset.");

    public static readonly ConfigDef<int> LogRetentionHours = ConfigDef.Int("log.retention.hours", defaultValue: 168,
        min: -1, dynamic: true, importance: ConfigImportance.High,
        doc: "log.retention.ms in hours, used when log.retention.ms and log.retention.minutes are unset.");

    public static readonly ConfigDef<long> LogRetentionBytes = ConfigDef.Long("log.retention.bytes",
        defaultValue: -1, min: -1, dynamic: true, importance: ConfigImportance.High,
        doc: "The default retention.bytes: the oldest segments of a partition are deleted while it is larger "
            + "than this; -1 sets no limit.");

    public static readonly ConfigDef<long> LogRetentionCheckIntervalMs = ConfigDef.Long(
        "log.retention.check.interval.ms", defaultValue: 5 * 60 * 1000, min: 1, importance: ConfigImportance.Medium,
        doc: "How often each log is checked for segments to delete under retention.ms and retention.bytes.");

    public static readonly ConfigDef<IReadOnlyList<string>> LogCleanupPolicy = ConfigDef.List("log.cleanup.policy",
        defaultValue: ["delete"], validValues: ["compact", "delete"], dynamic: true,
        importance: ConfigImportance.Medium,
        doc: "The default cleanup.policy: delete removes old segments by retention.ms and retention.bytes; "
            + "compact keeps the latest record of each key; both may be given.");

    public static readonly ConfigDef<long> LogCleanerDeleteRetentionMs = ConfigDef.Long(
        "log.cleaner.delete.retention.ms", defaultValue: 24 * Hour, min: 0, dynamic: true,
        importance: ConfigImportance.Medium, doc: "The default delete.retention.ms.");

    public static readonly ConfigDef<long> LogCleanerMinCompactionLagMs = ConfigDef.Long(
        "log.cleaner.min.compaction.lag.ms", defaultValue: 0, min: 0, dynamic: true,
        importance: ConfigImportance.Medium, doc: "The default min.compaction.lag.ms.");

    public static readonly ConfigDef<long> LogCleanerMaxCompactionLagMs = ConfigDef.Long(
        "log.cleaner.max.compaction.lag.ms", defaultValue: long.MaxValue, min: 1, dynamic: true,
        importance: ConfigImportance.Medium, doc: "The default max.compaction.lag.ms.");

    public static readonly ConfigDef<double> LogCleanerMinCleanableRatio = ConfigDef.Double(
        "log.cleaner.min.cleanable.ratio", defaultValue: 0.5, min: 0, max: 1, dynamic: true,
        importance: ConfigImportance.Medium, doc: "The default min.cleanable.dirty.ratio.");

    public static readonly ConfigDef<bool> LogCleanerEnable = ConfigDef.Bool("log.cleaner.enable", defaultValue: true,
        importance: ConfigImportance.Medium,
        doc: "Runs the log cleaner, which compacts topics whose cleanup.policy includes compact (__consumer_offsets "
            + "among them). Off, compacted topics grow without bound.");

    public static readonly ConfigDef<long> LogCleanerBackoffMs = ConfigDef.Long("log.cleaner.backoff.ms",
        defaultValue: 15_000, min: 1, importance: ConfigImportance.Medium,
        doc: "How long the log cleaner sleeps when no log needs cleaning.");

    public static readonly ConfigDef<long> LogCleanerDedupeBufferSize = ConfigDef.Long(
        "log.cleaner.dedupe.buffer.size", defaultValue: 128L << 20, min: 1 << 16, importance: ConfigImportance.Medium,
        doc: "The most memory the log cleaner's key map may take (24 bytes a key). It grows on demand from a small "
            + "start, so an idle broker does not hold it.");

    public static readonly ConfigDef<long> LogFlushOffsetCheckpointIntervalMs = ConfigDef.Long(
        "log.flush.offset.checkpoint.interval.ms", defaultValue: 60_000, min: 1, importance: ConfigImportance.Low,
        doc: "How often rolled segments are flushed and each log directory's recovery and log-start-offset "
            + "checkpoints are written, so that recovery after a crash rescans little.");

    public static readonly ConfigDef<int> LogIndexIntervalBytes = ConfigDef.Int("log.index.interval.bytes",
        defaultValue: 4096, min: 0, dynamic: true, importance: ConfigImportance.Medium,
        doc: "The default index.interval.bytes: log bytes between two entries of the sparse offset index.");

    public static readonly ConfigDef<string> LogFlushMode = ConfigDef.String("log.flush.mode",
        defaultValue: "replicated", validValues: ["replicated", "fsync"], dynamic: true, samsa: true,
        importance: ConfigImportance.High,
        doc: "The default flush.mode, Samsa's durability policy. replicated (Kafka's behaviour) acknowledges a "
            + "write once it is in the page cache of the in-sync replicas: a power cut that takes every replica "
            + "can lose it. fsync acknowledges only after an fdatasync, shared by concurrent writes (group "
            + "commit). It replaces Kafka's log.flush.interval.messages and log.flush.interval.ms.");

    public static readonly ConfigDef<string> LogMessageTimestampType = ConfigDef.String("log.message.timestamp.type",
        defaultValue: "CreateTime", validValues: ["CreateTime", "LogAppendTime"], dynamic: true,
        importance: ConfigImportance.Medium,
        doc: "The default message.timestamp.type: CreateTime keeps the producer's timestamps, LogAppendTime "
            + "stamps each batch with the broker's clock.");

    public static readonly ConfigDef<long> LogMessageTimestampBeforeMaxMs = ConfigDef.Long(
        "log.message.timestamp.before.max.ms", defaultValue: long.MaxValue, min: 0, dynamic: true,
        importance: ConfigImportance.Medium, doc: "The default message.timestamp.before.max.ms.");

    public static readonly ConfigDef<long> LogMessageTimestampAfterMaxMs = ConfigDef.Long(
        "log.message.timestamp.after.max.ms", defaultValue: Hour, min: 0, dynamic: true,
        importance: ConfigImportance.Medium, doc: "The default message.timestamp.after.max.ms.");

    private static string? ValidateLogDirs(string text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string dir in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (dir.Length == 0) return "must not have an empty entry";
            if (!seen.Add(dir)) return $"names {dir} twice";
        }

        return null;
    }
}
