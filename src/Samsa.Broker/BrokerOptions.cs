using Samsa.Broker.Network;
using Samsa.Metadata.Configs;

namespace Samsa.Broker;

/// <summary>What the broker layer needs from the configuration, typed and immutable.</summary>
public sealed record BrokerOptions
{
    public required int NodeId { get; init; }

    /// <summary>The listener clients connect to, by name (<c>PLAINTEXT</c>): metadata answers with this listener's
    /// endpoints.</summary>
    public string ListenerName { get; init; } = "PLAINTEXT";

    /// <summary>The listener brokers reach each other on (<c>inter.broker.listener.name</c>); followers fetch from
    /// the leader's endpoint on it. Null: <see cref="ListenerName"/>.</summary>
    public string? InterBrokerListenerName { get; init; }

    /// <summary><c>replica.fetch.max.bytes</c>: what a follower asks for per partition in one fetch.</summary>
    public int ReplicaFetchMaxBytes { get; init; } = 1024 * 1024;

    /// <summary><c>replica.fetch.response.max.bytes</c>: the most a follower's fetch response may hold in all.
    /// </summary>
    public int ReplicaFetchResponseMaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary><c>replica.fetch.wait.max.ms</c>: how long a follower's fetch waits at the leader.</summary>
    public TimeSpan ReplicaFetchWaitMax { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>replica.lag.time.max.ms</c>: a follower that has not caught up for this long leaves the ISR.
    /// </summary>
    public TimeSpan ReplicaLagTimeMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>replica.high.watermark.checkpoint.interval.ms</c>: how often high watermarks are written to
    /// each log dir's <c>replication-offset-checkpoint</c>.</summary>
    public TimeSpan HighWatermarkCheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);

    public int SocketRequestMaxBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>queued.max.request.bytes; -1 for unbounded.</summary>
    public long QueuedMaxRequestBytes { get; init; } = -1;

    public TimeSpan ConnectionsMaxIdle { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>fetch.max.bytes</c>: the most record bytes in one consumer fetch response, whatever it
    /// asks.</summary>
    public int FetchMaxBytes { get; init; } = BrokerConfigs.FetchMaxBytes.Default;

    public bool AutoCreateTopicsEnable { get; init; } = true;

    /// <summary><c>log.retention.check.interval.ms</c>: how often retention deletes old segments.</summary>
    public TimeSpan LogRetentionCheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>log.flush.offset.checkpoint.interval.ms</c>: how often logs are flushed and checkpointed.</summary>
    public TimeSpan LogCheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The log cleaner's settings; null runs no cleaner (<c>log.cleaner.enable=false</c>).</summary>
    public LogCleanerOptions? LogCleaner { get; init; } = LogCleanerOptions.Default;

    /// <summary>The broker's static and dynamic config values, for topic defaults and DescribeConfigs.</summary>
    public required BrokerConfigValues Configs { get; init; }

    /// <summary>The group coordinator's settings (offsets.topic.*, group.*).</summary>
    public GroupCoordinatorOptions Groups { get; init; } = new();

    internal ConnectionOptions Connection => new(SocketRequestMaxBytes, 100, ConnectionsMaxIdle);
}
