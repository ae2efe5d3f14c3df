using Samsa.Storage;

namespace Samsa.Configuration;

/// <summary>
/// The node's configuration, typed and checked across keys: what the host hands to its components (durations as
/// <see cref="TimeSpan"/>, listeners parsed, advertised listeners derived). Built by <see cref="ConfigLoader"/>.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed record BrokerSettings
{
    /// <summary>Every key's value and source, for logging and for DescribeConfigs' static layer.</summary>
    public required EffectiveConfiguration Configuration { get; init; }

    public required int NodeId { get; init; }

    public required ProcessRoles Roles { get; init; }

    public bool IsBroker => (Roles & ProcessRoles.Broker) != 0;

    public bool IsController => (Roles & ProcessRoles.Controller) != 0;

    /// <summary><c>cluster.id</c>; null when unset (the log directories' id, or a new one).</summary>
    public required string? ClusterId { get; init; }

    public required IReadOnlyList<QuorumVoter> ControllerQuorumVoters { get; init; }

    public required IReadOnlyList<ServerAddress> ControllerQuorumBootstrapServers { get; init; }

    /// <summary><c>controller.listener.names</c>, upper-cased.</summary>
    public required IReadOnlyList<string> ControllerListenerNames { get; init; }

    /// <summary>Every entry of <c>listeners</c>, in order, with its protocol and advertised address.</summary>
    public required IReadOnlyList<ConfiguredListener> Listeners { get; init; }

    /// <summary>What this broker advertises, in order; empty on a controller-only node.</summary>
    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners =>
        [.. Listeners.Where(l => l.Advertised is not null).Select(l => l.Advertised!.Value)];

    /// <summary>The listener followers fetch through; null on a controller-only node.</summary>
    public required string? InterBrokerListenerName { get; init; }

    /// <summary><c>http.listeners</c>: where /health/live and /health/ready are served; empty for none.</summary>
    public required IReadOnlyList<ServerAddress> HttpListeners { get; init; }

    /// <summary><c>samsa.memory</c>, or half the available memory when unset.</summary>
    public required long MemoryBytes { get; init; }

    public required int SocketRequestMaxBytes { get; init; }

    /// <summary><c>queued.max.request.bytes</c>, with -1 resolved against <see cref="MemoryBytes"/>.</summary>
    public required long QueuedMaxRequestBytes { get; init; }

    /// <summary><c>connections.max.idle.ms</c>; <see cref="Timeout.InfiniteTimeSpan"/> for -1.</summary>
    public required TimeSpan ConnectionsMaxIdle { get; init; }

    public required int MessageMaxBytes { get; init; }

    /// <summary><c>fetch.max.bytes</c>: the most record bytes in one consumer fetch response.</summary>
    public required int FetchMaxBytes { get; init; }

    public required int NumPartitions { get; init; }

    public required int DefaultReplicationFactor { get; init; }

    public required int MinInsyncReplicas { get; init; }

    public required bool AutoCreateTopicsEnable { get; init; }

    public required bool DeleteTopicEnable { get; init; }

    public required bool UncleanLeaderElectionEnable { get; init; }

    /// <summary><c>log.dirs</c>, else <c>log.dir</c>.</summary>
    public required IReadOnlyList<string> LogDirs { get; init; }

    public required int NumRecoveryThreadsPerDataDir { get; init; }

    public required TimeSpan LogRetentionCheckInterval { get; init; }

    public required TimeSpan LogFlushOffsetCheckpointInterval { get; init; }

    /// <summary>The log cleaner's settings, or null when <c>log.cleaner.enable=false</c>.</summary>
    public required LogCleanerOptions? LogCleaner { get; init; }

    /// <summary>The configuration of a topic with no overrides, from the static broker values.</summary>
    public required EffectiveTopicConfig TopicDefaults { get; init; }

    /// <summary>The options of a partition log whose topic has no overrides.</summary>
    public LogOptions LogOptions => TopicDefaults.Log;

    public required TimeSpan ReplicaLagTimeMax { get; init; }

    public required int ReplicaFetchMaxBytes { get; init; }

    /// <summary><c>replica.fetch.wait.max.ms</c>.</summary>
    public TimeSpan ReplicaFetchWaitMax { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>replica.fetch.response.max.bytes</c>.</summary>
    public int ReplicaFetchResponseMaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary><c>replica.high.watermark.checkpoint.interval.ms</c>.</summary>
    public TimeSpan HighWatermarkCheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);

    public required int OffsetsTopicNumPartitions { get; init; }

    public required short OffsetsTopicReplicationFactor { get; init; }

    public required TimeSpan OffsetsRetention { get; init; }

    public required TimeSpan GroupInitialRebalanceDelay { get; init; }

    public required TimeSpan GroupMinSessionTimeout { get; init; }

    /// <summary><c>broker.heartbeat.interval.ms</c>.</summary>
    public TimeSpan BrokerHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>broker.session.timeout.ms</c>.</summary>
    public TimeSpan BrokerSessionTimeout { get; init; } = TimeSpan.FromSeconds(9);

    public required TimeSpan GroupMaxSessionTimeout { get; init; }

    public required int GroupMaxSize { get; init; }

    public required TimeSpan GroupConsumerSessionTimeout { get; init; }

    public required TimeSpan GroupConsumerHeartbeatInterval { get; init; }

    public required int GroupConsumerMaxSize { get; init; }

    public required TimeSpan ProducerIdExpiration { get; init; }

    /// <summary>
    /// The broker layers topic configs fall back to: the given dynamic values (from the metadata image) over the
    /// values this node started with.
    /// </summary>
    public BrokerConfigValues ToBrokerConfigValues(IReadOnlyDictionary<string, string>? dynamicBroker = null,
        IReadOnlyDictionary<string, string>? dynamicDefault = null) =>
        new(dynamicBroker, dynamicDefault, Configuration.StaticValues);

    /// <summary>Samsa.Storage's options for this node's log directories.</summary>
    public LogManagerOptions ToLogManagerOptions(string clusterId) => new()
    {
        LogDirs = LogDirs,
        ClusterId = clusterId,
        NodeId = NodeId,
        DefaultLogOptions = LogOptions,
        RecoveryThreadsPerDataDir = NumRecoveryThreadsPerDataDir,
    };
}
