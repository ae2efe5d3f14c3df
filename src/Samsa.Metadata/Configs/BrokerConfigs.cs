using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Configs;

/// <summary>
/// The broker (node) keys Samsa reads, with Kafka's names, types and defaults unless their documentation says
/// otherwise. Each key is defined once, in the file of its concern (<c>BrokerConfigs.Logs.cs</c>, …); this part is
/// the registry: every key, the sections the docs use, lookup by name and Kafka's synonym groups.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public static partial class BrokerConfigs
{
    // Built on first use, after every field of every part is initialized (the parts' order is unspecified).
    private static readonly Lazy<Registry> LazyRegistry = new(BuildRegistry);

    /// <summary>Every key, by section.</summary>
    public static IReadOnlyList<ConfigSection> Sections => LazyRegistry.Value.Sections;

    /// <summary>Every key, in the docs' order.</summary>
    public static IReadOnlyList<ConfigDef> All => LazyRegistry.Value.All;

    /// <summary>Finds a key by its exact name.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out ConfigDef? config) =>
        LazyRegistry.Value.ByName.TryGetValue(name, out config);

    /// <summary>
    /// The keys that set the same value as <paramref name="config"/>, in Kafka's order of precedence (a value in
    /// milliseconds before minutes before hours): <c>log.retention.ms</c>, <c>log.retention.minutes</c>,
    /// <c>log.retention.hours</c> for any of the three; <c>log.roll.ms</c>, <c>log.roll.hours</c>; otherwise the key
    /// alone.
    /// </summary>
    public static IReadOnlyList<ConfigDef> SynonymsOf(ConfigDef config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config == LogRetentionMs || config == LogRetentionMinutes || config == LogRetentionHours)
            return LazyRegistry.Value.RetentionGroup;
        if (config == LogRollMs || config == LogRollHours) return LazyRegistry.Value.RollGroup;
        return [config];
    }

    private static Registry BuildRegistry()
    {
        ConfigSection[] sections =
        [
            new("Node and cluster",
            [
                ProcessRoles, NodeId, BrokerId, ClusterId, ControllerQuorumVoters, ControllerQuorumBootstrapServers,
                ControllerListenerNames, BrokerHeartbeatIntervalMs, BrokerSessionTimeoutMs,
            ]),
            new("Listeners",
                [Listeners, AdvertisedListeners, ListenerSecurityProtocolMap, InterBrokerListenerName, HttpListeners]),
            new("Memory and limits",
            [
                Memory, SocketRequestMaxBytes, QueuedMaxRequestBytes, ConnectionsMaxIdleMs, MessageMaxBytes,
                FetchMaxBytes,
            ]),
            new("Topics",
            [
                NumPartitions, DefaultReplicationFactor, MinInsyncReplicas, AutoCreateTopicsEnable, DeleteTopicEnable,
                UncleanLeaderElectionEnable, CompressionType, CompressionGzipLevel, CompressionLz4Level,
                CompressionZstdLevel,
            ]),
            new("Logs",
            [
                LogDir, LogDirs, NumRecoveryThreadsPerDataDir, LogSegmentBytes, LogRollMs, LogRollHours,
                LogRetentionMs, LogRetentionMinutes, LogRetentionHours, LogRetentionBytes,
                LogRetentionCheckIntervalMs, LogCleanupPolicy, LogCleanerDeleteRetentionMs,
                LogCleanerMinCompactionLagMs, LogCleanerMaxCompactionLagMs, LogCleanerMinCleanableRatio,
                LogCleanerEnable, LogCleanerBackoffMs, LogCleanerDedupeBufferSize, LogFlushOffsetCheckpointIntervalMs,
                LogIndexIntervalBytes, LogFlushMode, LogMessageTimestampType, LogMessageTimestampBeforeMaxMs,
                LogMessageTimestampAfterMaxMs,
            ]),
            new("Replication",
                [ReplicaLagTimeMaxMs, ReplicaFetchMaxBytes, ReplicaFetchWaitMaxMs, ReplicaFetchResponseMaxBytes,
                    ReplicaHighWatermarkCheckpointIntervalMs]),
            new("Consumer groups",
            [
                OffsetsTopicNumPartitions, OffsetsTopicReplicationFactor, OffsetsRetentionMinutes,
                GroupInitialRebalanceDelayMs, GroupMinSessionTimeoutMs, GroupMaxSessionTimeoutMs, GroupMaxSize,
                GroupConsumerSessionTimeoutMs, GroupConsumerHeartbeatIntervalMs, GroupConsumerMaxSize,
            ]),
            new("Producers",
                [ProducerIdExpirationMs]),
        ];

        var all = new List<ConfigDef>();
        foreach (ConfigSection section in sections) all.AddRange(section.Configs);
        return new Registry(sections, all, all.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal),
            [LogRetentionMs, LogRetentionMinutes, LogRetentionHours], [LogRollMs, LogRollHours]);
    }

    private sealed record Registry(
        IReadOnlyList<ConfigSection> Sections,
        IReadOnlyList<ConfigDef> All,
        FrozenDictionary<string, ConfigDef> ByName,
        IReadOnlyList<ConfigDef> RetentionGroup,
        IReadOnlyList<ConfigDef> RollGroup);
}
