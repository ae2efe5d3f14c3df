using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Configs;

/// <summary>
/// The topic-level keys Samsa accepts in CreateTopics, AlterConfigs and <c>topics.yaml</c>, each with the broker keys
/// that supply its default (Kafka's synonyms: <c>retention.ms</c> ← <c>log.retention.ms</c>,
/// <c>log.retention.minutes</c>, <c>log.retention.hours</c>). A topic's effective value is its own override, else
/// the first broker synonym that is set, else the synonyms' defaults (<see cref="ConfigResolver"/>).
/// </summary>
/// <remarks>
/// Kafka topic keys Samsa does not define, and so refuses: <c>flush.messages</c> and <c>flush.ms</c> (Samsa's
/// <c>flush.mode</c> replaces them), <c>file.delete.delay.ms</c> (segments are deleted at once),
/// <c>segment.jitter.ms</c>, <c>segment.index.bytes</c>, <c>preallocate</c>, the tiered storage and throttled-replica
/// keys. Immutable and thread-safe.
/// </remarks>
public static class TopicConfigs
{
    private const long Hour = 60 * 60 * 1000;

    public static readonly ConfigDef<IReadOnlyList<string>> CleanupPolicy = ConfigDef.List("cleanup.policy",
        defaultValue: ["delete"], validValues: ["compact", "delete"],
        doc: "What happens to old segments: delete removes them by retention.ms and retention.bytes; compact "
            + "keeps only the latest record of each key (a null value deletes the key after delete.retention.ms); "
            + "compact,delete does both.");

    public static readonly ConfigDef<long> RetentionMs = ConfigDef.Long("retention.ms", defaultValue: 168 * Hour,
        min: -1,
        doc: "How long records are kept: a segment whose newest record is older than this is deleted (under the "
            + "delete policy). -1 keeps records forever.");

    public static readonly ConfigDef<long> RetentionBytes = ConfigDef.Long("retention.bytes", defaultValue: -1,
        min: -1,
        doc: "The size a partition may reach before its oldest segments are deleted (under the delete policy). "
            + "-1 sets no limit.");

    public static readonly ConfigDef<int> SegmentBytes = ConfigDef.Int("segment.bytes", defaultValue: 1 << 30,
        min: 1 << 20,
        doc: "The size of a log segment file: the log rolls to a new segment before one would grow past this. "
            + "Retention deletes whole segments, so smaller segments free space sooner.");

    public static readonly ConfigDef<long> SegmentMs = ConfigDef.Long("segment.ms", defaultValue: 168 * Hour, min: 1,
        doc: "The age at which the active segment rolls, even if not full, so that retention and compaction can "
            + "act on it.");

    public static readonly ConfigDef<int> MaxMessageBytes = ConfigDef.Int("max.message.bytes",
        defaultValue: BrokerConfigs.DefaultMaxMessageBytes, min: 0,
        doc: "The largest record batch a producer may send to this topic, after compression; a larger one fails "
            + "with MESSAGE_TOO_LARGE. Consumers and followers fetch batches of this size too.");

    public static readonly ConfigDef<string> MessageTimestampType = ConfigDef.String("message.timestamp.type",
        defaultValue: "CreateTime", validValues: ["CreateTime", "LogAppendTime"],
        doc: "CreateTime keeps the timestamps producers set; LogAppendTime replaces them with the leader's clock "
            + "when the batch is appended.");

    public static readonly ConfigDef<long> MessageTimestampBeforeMaxMs = ConfigDef.Long(
        "message.timestamp.before.max.ms", defaultValue: long.MaxValue, min: 0,
        doc: "With CreateTime, how far in the past a record's timestamp may be, relative to the broker's clock, "
            + "before the batch is refused with INVALID_TIMESTAMP.");

    public static readonly ConfigDef<long> MessageTimestampAfterMaxMs = ConfigDef.Long(
        "message.timestamp.after.max.ms", defaultValue: Hour, min: 0,
        doc: "With CreateTime, how far in the future a record's timestamp may be, relative to the broker's clock, "
            + "before the batch is refused with INVALID_TIMESTAMP (Kafka 4's default: one hour).");

    public static readonly ConfigDef<int> MinInsyncReplicas = ConfigDef.Int("min.insync.replicas", defaultValue: 1,
        min: 1,
        doc: "Fewest in-sync replicas that must hold a batch before an acks=all produce succeeds; below it such "
            + "produces fail with NOT_ENOUGH_REPLICAS.");

    public static readonly ConfigDef<bool> UncleanLeaderElectionEnable = ConfigDef.Bool(
        "unclean.leader.election.enable", defaultValue: false,
        doc: "Whether a replica outside the ISR may lead when no in-sync replica is alive, at the cost of the "
            + "records only the ISR held.");

    public static readonly ConfigDef<string> CompressionType = ConfigDef.String("compression.type",
        defaultValue: "producer", validValues: BrokerConfigs.CompressionTypes,
        doc: "The codec batches are stored with. producer keeps each batch as its producer compressed it, without "
            + "decoding it; uncompressed, gzip, snappy, lz4 or zstd has the leader recompress every batch that comes "
            + "with another codec (producer id, sequence, offsets and records kept), at the level its "
            + "compression.<codec>.level sets. A batch whose records inflate past max.message.bytes is then refused "
            + "with MESSAGE_TOO_LARGE before it is decompressed further.");

    public static readonly ConfigDef<int> CompressionGzipLevel = ConfigDef.Int("compression.gzip.level",
        defaultValue: BrokerConfigs.GzipDefaultLevel, validate: BrokerConfigs.ValidateGzipLevel,
        validValuesText: "[1,...,9] or -1",
        doc: "The level of batches recompressed to gzip (compression.type=gzip): 1 is fastest, 9 smallest, -1 "
            + "zlib's default (6).");

    public static readonly ConfigDef<int> CompressionLz4Level = ConfigDef.Int("compression.lz4.level",
        defaultValue: 9, min: 1, max: 17,
        doc: "The level of batches recompressed to lz4 (compression.type=lz4). 9, the default, and 1 and 2 use "
            + "LZ4's fast compressor; 3 to 8 and 10 to 12 its high-compression one at that level; above 12 act as 12.");

    public static readonly ConfigDef<int> CompressionZstdLevel = ConfigDef.Int("compression.zstd.level",
        defaultValue: 3, min: -131072, max: 22,
        doc: "The level of batches recompressed to zstd (compression.type=zstd): negative levels are faster, 22 "
            + "is smallest.");

    public static readonly ConfigDef<long> DeleteRetentionMs = ConfigDef.Long("delete.retention.ms",
        defaultValue: 24 * Hour, min: 0,
        doc: "On a compacted topic, how long a tombstone (a record with a null value) is kept after compaction "
            + "reaches it, so that a consumer reading from the start sees the deletion.");

    public static readonly ConfigDef<long> MinCompactionLagMs = ConfigDef.Long("min.compaction.lag.ms",
        defaultValue: 0, min: 0,
        doc: "On a compacted topic, the least time a record stays uncompacted.");

    public static readonly ConfigDef<long> MaxCompactionLagMs = ConfigDef.Long("max.compaction.lag.ms",
        defaultValue: long.MaxValue, min: 1,
        doc: "On a compacted topic, the most time a record may stay uncompacted, whatever the dirty ratio.");

    public static readonly ConfigDef<double> MinCleanableDirtyRatio = ConfigDef.Double("min.cleanable.dirty.ratio",
        defaultValue: 0.5, min: 0, max: 1,
        doc: "On a compacted topic, the share of the log written since the last compaction above which it is "
            + "compacted again.");

    public static readonly ConfigDef<int> IndexIntervalBytes = ConfigDef.Int("index.interval.bytes",
        defaultValue: 4096, min: 0,
        doc: "Log bytes between two entries of the sparse offset and time indexes: smaller finds offsets with "
            + "less scanning and makes bigger indexes.");

    public static readonly ConfigDef<string> FlushMode = ConfigDef.String("flush.mode", defaultValue: "replicated",
        validValues: ["replicated", "fsync"], samsa: true,
        doc: "When a write counts as durable. replicated: once it is in the page cache of the in-sync replicas "
            + "(Kafka's behaviour). fsync: once an fdatasync covering it has returned, shared by concurrent writes. "
            + "Samsa's replacement for flush.messages and flush.ms.");

    private static readonly Lazy<Registry> LazyRegistry = new(BuildRegistry);

    /// <summary>Every topic key, by name.</summary>
    public static IReadOnlyList<ConfigDef> All => LazyRegistry.Value.All;

    /// <summary>Finds a topic key by its exact name.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out ConfigDef? config) =>
        LazyRegistry.Value.ByName.TryGetValue(name, out config);

    /// <summary>
    /// The broker keys that supply <paramref name="config"/>'s default, highest precedence first, with their unit
    /// conversions. Every topic key has at least one.
    /// </summary>
    public static IReadOnlyList<ConfigSynonym> SynonymsOf(ConfigDef config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return LazyRegistry.Value.Synonyms.TryGetValue(config.Name, out IReadOnlyList<ConfigSynonym>? synonyms)
            ? synonyms
            : throw new ArgumentException($"{config.Name} is not a topic config", nameof(config));
    }

    private static Registry BuildRegistry()
    {
        (ConfigDef Topic, ConfigSynonym[] Synonyms)[] table =
        [
            (CleanupPolicy, [new(BrokerConfigs.LogCleanupPolicy)]),
            (CompressionGzipLevel, [new(BrokerConfigs.CompressionGzipLevel)]),
            (CompressionLz4Level, [new(BrokerConfigs.CompressionLz4Level)]),
            (CompressionType, [new(BrokerConfigs.CompressionType)]),
            (CompressionZstdLevel, [new(BrokerConfigs.CompressionZstdLevel)]),
            (DeleteRetentionMs, [new(BrokerConfigs.LogCleanerDeleteRetentionMs)]),
            (FlushMode, [new(BrokerConfigs.LogFlushMode)]),
            (IndexIntervalBytes, [new(BrokerConfigs.LogIndexIntervalBytes)]),
            (MaxCompactionLagMs, [new(BrokerConfigs.LogCleanerMaxCompactionLagMs)]),
            (MaxMessageBytes, [new(BrokerConfigs.MessageMaxBytes)]),
            (MessageTimestampAfterMaxMs, [new(BrokerConfigs.LogMessageTimestampAfterMaxMs)]),
            (MessageTimestampBeforeMaxMs, [new(BrokerConfigs.LogMessageTimestampBeforeMaxMs)]),
            (MessageTimestampType, [new(BrokerConfigs.LogMessageTimestampType)]),
            (MinCleanableDirtyRatio, [new(BrokerConfigs.LogCleanerMinCleanableRatio)]),
            (MinCompactionLagMs, [new(BrokerConfigs.LogCleanerMinCompactionLagMs)]),
            (MinInsyncReplicas, [new(BrokerConfigs.MinInsyncReplicas)]),
            (RetentionBytes, [new(BrokerConfigs.LogRetentionBytes)]),
            (RetentionMs,
            [
                new(BrokerConfigs.LogRetentionMs), new(BrokerConfigs.LogRetentionMinutes, 60 * 1000),
                new(BrokerConfigs.LogRetentionHours, Hour),
            ]),
            (SegmentBytes, [new(BrokerConfigs.LogSegmentBytes)]),
            (SegmentMs, [new(BrokerConfigs.LogRollMs), new(BrokerConfigs.LogRollHours, Hour)]),
            (UncleanLeaderElectionEnable, [new(BrokerConfigs.UncleanLeaderElectionEnable)]),
        ];

        var all = new ConfigDef[table.Length];
        var synonyms = new Dictionary<string, IReadOnlyList<ConfigSynonym>>(StringComparer.Ordinal);
        for (int i = 0; i < table.Length; i++)
        {
            all[i] = table[i].Topic;
            synonyms.Add(table[i].Topic.Name, table[i].Synonyms);
        }

        return new Registry(all, all.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal),
            synonyms.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private sealed record Registry(
        IReadOnlyList<ConfigDef> All,
        FrozenDictionary<string, ConfigDef> ByName,
        FrozenDictionary<string, IReadOnlyList<ConfigSynonym>> Synonyms);
}
