using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Metadata.Configs;

/// <summary>
/// A topic's effective configuration, typed: its overrides over the broker's layers
/// (<see cref="ConfigResolver"/>). Build one per topic when the image or the broker's dynamic configs change, not
/// per request.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record EffectiveTopicConfig
{
    /// <summary>The partition logs' options: segment.bytes, segment.ms, index.interval.bytes, retention, flush.mode,
    /// message.timestamp.type, cleanup.policy, the compaction settings and the broker's producer.id.expiration.ms.
    /// Without the delete policy, retention is off (a compact-only topic keeps every key's latest record however
    /// old).</summary>
    public required LogOptions Log { get; init; }

    /// <summary><c>cleanup.policy</c> includes delete (read from <see cref="Log"/>, the one source).</summary>
    public bool IsDeleteEnabled => Log.IsDeleteEnabled;

    /// <summary><c>cleanup.policy</c> includes compact (read from <see cref="Log"/>).</summary>
    public bool IsCompacted => Log.IsCompacted;

    /// <summary><c>max.message.bytes</c>.</summary>
    public required int MaxMessageBytes { get; init; }

    /// <summary><c>min.insync.replicas</c>.</summary>
    public required int MinInsyncReplicas { get; init; }

    /// <summary><c>unclean.leader.election.enable</c>.</summary>
    public required bool UncleanLeaderElectionEnable { get; init; }

    /// <summary><c>message.timestamp.before.max.ms</c>; <see cref="TimeSpan.MaxValue"/> when unbounded.</summary>
    public required TimeSpan MessageTimestampBeforeMax { get; init; }

    /// <summary><c>message.timestamp.after.max.ms</c>; <see cref="TimeSpan.MaxValue"/> when unbounded.</summary>
    public required TimeSpan MessageTimestampAfterMax { get; init; }

    /// <summary>
    /// <c>compression.type</c>: the codec every batch is stored with (<see cref="CompressionType.None"/> for
    /// uncompressed), or null for producer (each batch as its producer compressed it).
    /// </summary>
    public CompressionType? Compression { get; init; }

    /// <summary>
    /// The level of <see cref="Compression"/>: <c>compression.gzip.level</c>, <c>compression.lz4.level</c> or
    /// <c>compression.zstd.level</c>; null for the other codecs, and for gzip's -1 (zlib's default).
    /// </summary>
    public int? CompressionLevel { get; init; }

    /// <summary><c>delete.retention.ms</c> (read from <see cref="Log"/>).</summary>
    public TimeSpan DeleteRetention => Log.DeleteRetention;

    /// <summary><c>min.compaction.lag.ms</c> (read from <see cref="Log"/>).</summary>
    public TimeSpan MinCompactionLag => Log.MinCompactionLag;

    /// <summary><c>max.compaction.lag.ms</c>; <see cref="TimeSpan.MaxValue"/> when unbounded (read from
    /// <see cref="Log"/>).</summary>
    public TimeSpan MaxCompactionLag => Log.MaxCompactionLag;

    /// <summary><c>min.cleanable.dirty.ratio</c> (read from <see cref="Log"/>).</summary>
    public double MinCleanableDirtyRatio => Log.MinCleanableDirtyRatio;

    /// <summary>The effective configuration of a topic with <paramref name="topicConfigs"/> as its overrides.</summary>
    public static EffectiveTopicConfig Resolve(IReadOnlyDictionary<string, string> topicConfigs,
        BrokerConfigValues broker)
    {
        IReadOnlyList<string> policy = Get(TopicConfigs.CleanupPolicy);
        bool delete = policy.Contains("delete");
        CleanupPolicy cleanupPolicy = (delete ? CleanupPolicy.Delete : CleanupPolicy.None) |
            (policy.Contains("compact") ? CleanupPolicy.Compact : CleanupPolicy.None);
        long retentionMs = Get(TopicConfigs.RetentionMs);
        var log = new LogOptions
        {
            SegmentBytes = Get(TopicConfigs.SegmentBytes),
            SegmentTime = Milliseconds(Get(TopicConfigs.SegmentMs)),
            IndexIntervalBytes = Get(TopicConfigs.IndexIntervalBytes),
            RetentionTime = !delete || retentionMs < 0 ? Timeout.InfiniteTimeSpan : Milliseconds(retentionMs),
            RetentionBytes = delete ? Get(TopicConfigs.RetentionBytes) : -1,
            FlushMode = Get(TopicConfigs.FlushMode) == "fsync" ? LogFlushMode.Fsync : LogFlushMode.Replicated,
            MessageTimestampType = Get(TopicConfigs.MessageTimestampType) == "LogAppendTime"
                ? TimestampType.LogAppendTime
                : TimestampType.CreateTime,
            CleanupPolicy = cleanupPolicy,
            DeleteRetention = Milliseconds(Math.Max(0, Get(TopicConfigs.DeleteRetentionMs))),
            MinCompactionLag = Milliseconds(Math.Max(0, Get(TopicConfigs.MinCompactionLagMs))),
            MaxCompactionLag = Milliseconds(Math.Max(1, Get(TopicConfigs.MaxCompactionLagMs))),
            MinCleanableDirtyRatio = Math.Clamp(Get(TopicConfigs.MinCleanableDirtyRatio), 0, 1),
            ProducerIdExpiration = Milliseconds(Math.Max(1,
                ConfigResolver.ResolveBrokerValue(BrokerConfigs.ProducerIdExpirationMs, broker))),
        };
        CompressionType? compression = Get(TopicConfigs.CompressionType) switch
        {
            "uncompressed" => CompressionType.None,
            "gzip" => CompressionType.Gzip,
            "snappy" => CompressionType.Snappy,
            "lz4" => CompressionType.Lz4,
            "zstd" => CompressionType.Zstd,
            _ => null,
        };
        int? compressionLevel = compression switch
        {
            CompressionType.Gzip when Get(TopicConfigs.CompressionGzipLevel) is var gzip &&
                gzip != BrokerConfigs.GzipDefaultLevel => gzip,
            CompressionType.Lz4 => Get(TopicConfigs.CompressionLz4Level),
            CompressionType.Zstd => Get(TopicConfigs.CompressionZstdLevel),
            _ => null,
        };
        return new EffectiveTopicConfig
        {
            Compression = compression,
            CompressionLevel = compressionLevel,
            Log = log,
            MaxMessageBytes = Get(TopicConfigs.MaxMessageBytes),
            MinInsyncReplicas = Get(TopicConfigs.MinInsyncReplicas),
            UncleanLeaderElectionEnable = Get(TopicConfigs.UncleanLeaderElectionEnable),
            MessageTimestampBeforeMax = Milliseconds(Get(TopicConfigs.MessageTimestampBeforeMaxMs)),
            MessageTimestampAfterMax = Milliseconds(Get(TopicConfigs.MessageTimestampAfterMaxMs)),
        };

        T Get<T>(ConfigDef<T> config) => ConfigResolver.ResolveTopicValue(config, topicConfigs, broker);
    }

    /// <summary>Milliseconds from configuration as a <see cref="TimeSpan"/>, saturating at its maximum.</summary>
    public static TimeSpan Milliseconds(long milliseconds) =>
        milliseconds >= TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond
            ? TimeSpan.MaxValue
            : TimeSpan.FromTicks(milliseconds * TimeSpan.TicksPerMillisecond);
}
