using Microsoft.Extensions.Logging;

namespace Samsa.Metadata;

// Metadata's log messages: event ids 3000-3999 (3000s the metadata log, 3100s the image, 3200s the controller). Names
// stay fixed across messages ({Topic}, {Partition}, {NodeId}, {LeaderEpoch}, {Offset}).
internal static partial class MetadataLogMessages
{
    [LoggerMessage(3001, LogLevel.Warning,
        "Truncated the metadata log {Path} at offset {Offset} after a torn write: cut {Bytes} bytes ({Reason})")]
    public static partial void TruncatedTornTail(this ILogger logger, string path, long offset, long bytes,
        string reason);

    [LoggerMessage(3002, LogLevel.Information,
        "Opened the metadata log {Path}: {Batches} batches, last offset {Offset}, now leading in epoch {LeaderEpoch}")]
    public static partial void OpenedMetadataLog(this ILogger logger, string path, int batches, long offset,
        int leaderEpoch);

    [LoggerMessage(3003, LogLevel.Error,
        "The metadata log {Path} is offline after an I/O error while {Operation}; restart once the disk is fixed")]
    public static partial void MetadataLogOffline(this ILogger logger, Exception exception, string path,
        string operation);

    [LoggerMessage(3004, LogLevel.Error,
        "A metadata log listener failed on the batch at offset {Offset}; its view of the cluster may be stale")]
    public static partial void ListenerFailed(this ILogger logger, Exception exception, long offset);

    [LoggerMessage(3101, LogLevel.Debug, "Applied metadata up to offset {Offset} (epoch {LeaderEpoch})")]
    public static partial void AppliedMetadata(this ILogger logger, long offset, int leaderEpoch);

    [LoggerMessage(3102, LogLevel.Information,
        "Loaded a metadata snapshot at offset {Offset} (epoch {LeaderEpoch}) with {Records} records")]
    public static partial void LoadedSnapshot(this ILogger logger, long offset, int leaderEpoch, int records);

    [LoggerMessage(3103, LogLevel.Error, "A metadata publisher failed on the image at offset {Offset}")]
    public static partial void PublisherFailed(this ILogger logger, Exception exception, long offset);

    [LoggerMessage(3201, LogLevel.Information, "Cluster id {ClusterId} written to the new metadata log")]
    public static partial void ClusterIdBootstrapped(this ILogger logger, string clusterId);

    [LoggerMessage(3202, LogLevel.Information,
        "Registered broker {NodeId} with broker epoch {BrokerEpoch} (incarnation {IncarnationId}, back from "
        + "{Shutdown}); it starts fenced")]
    public static partial void BrokerRegistered(this ILogger logger, int nodeId, long brokerEpoch, Guid incarnationId,
        string shutdown);

    [LoggerMessage(3216, LogLevel.Warning,
        "Broker {NodeId} reports {Offline} of its {LogDirs} log dirs offline; with every one offline it is fenced")]
    public static partial void LogDirsOffline(this ILogger logger, int nodeId, int offline, int logDirs);

    [LoggerMessage(3217, LogLevel.Information,
        "Broker {NodeId} (broker epoch {BrokerEpoch}) shut down under control: {Moved} partitions changed leader, " +
        "{Leaderless} are left without one until a replica is back")]
    public static partial void BrokerShutDown(this ILogger logger, int nodeId, long brokerEpoch, int moved,
        int leaderless);

    [LoggerMessage(3203, LogLevel.Information, "Unfenced broker {NodeId} at broker epoch {BrokerEpoch}")]
    public static partial void BrokerUnfenced(this ILogger logger, int nodeId, long brokerEpoch);

    [LoggerMessage(3204, LogLevel.Warning,
        "Fenced broker {NodeId} at broker epoch {BrokerEpoch} ({Reason}); {Moved} partitions changed leader, " +
        "{Leaderless} are left without one")]
    public static partial void BrokerFenced(this ILogger logger, int nodeId, long brokerEpoch, string reason,
        int moved, int leaderless);

    [LoggerMessage(3205, LogLevel.Information, "Unregistered broker {NodeId}")]
    public static partial void BrokerUnregistered(this ILogger logger, int nodeId);

    [LoggerMessage(3206, LogLevel.Information,
        "Created topic {Topic} ({TopicId}) with {Partitions} partitions and replication factor {ReplicationFactor}")]
    public static partial void TopicCreated(this ILogger logger, string topic, Guid topicId, int partitions,
        int replicationFactor);

    [LoggerMessage(3207, LogLevel.Information, "Deleted topic {Topic} ({TopicId})")]
    public static partial void TopicDeleted(this ILogger logger, string topic, Guid topicId);

    [LoggerMessage(3208, LogLevel.Information, "Increased the partitions of {Topic} from {Before} to {Partitions}")]
    public static partial void PartitionsCreated(this ILogger logger, string topic, int before, int partitions);

    [LoggerMessage(3209, LogLevel.Debug,
        "Elected {NodeId} leader of {Topic}-{Partition} in leader epoch {LeaderEpoch}")]
    public static partial void LeaderElected(this ILogger logger, int nodeId, string topic, int partition,
        int leaderEpoch);

    [LoggerMessage(3210, LogLevel.Warning,
        "Unclean leader election: {NodeId} leads {Topic}-{Partition} without being in sync; acknowledged records may " +
        "be lost")]
    public static partial void UncleanLeaderElected(this ILogger logger, int nodeId, string topic, int partition);

    [LoggerMessage(3211, LogLevel.Information, "ISR of {Topic}-{Partition} changed to [{Isr}] by leader {NodeId}")]
    public static partial void IsrChanged(this ILogger logger, string topic, int partition, string isr, int nodeId);

    [LoggerMessage(3212, LogLevel.Information, "Changed {Count} dynamic configs of {Resource}")]
    public static partial void ConfigsChanged(this ILogger logger, int count, string resource);

    [LoggerMessage(3213, LogLevel.Debug,
        "Allocated producer ids {FirstProducerId}-{LastProducerId} to broker {NodeId}")]
    public static partial void ProducerIdsAllocated(this ILogger logger, long firstProducerId, long lastProducerId,
        int nodeId);

    [LoggerMessage(3214, LogLevel.Warning, "Metadata append failed: {Status}")]
    public static partial void AppendFailed(this ILogger logger, string status);

    [LoggerMessage(3215, LogLevel.Error, "Checking broker sessions failed; brokers that stopped are not fenced")]
    public static partial void SessionCheckFailed(this ILogger logger, Exception exception);

    [LoggerMessage(3218, LogLevel.Information,
        "{ElectionType} election requested by an operator: {NodeId} leads {Topic}-{Partition} in leader epoch " +
        "{LeaderEpoch}")]
    public static partial void LeaderElectedOnRequest(this ILogger logger, string electionType, int nodeId,
        string topic, int partition, int leaderEpoch);

    [LoggerMessage(3219, LogLevel.Information,
        "Grew {Topic}-{Partition} to replicas [{Replicas}] ({Config}={ReplicationFactor}); the new ones join the ISR "
        + "once they catch up")]
    public static partial void ReplicasGrown(this ILogger logger, string topic, int partition, string replicas,
        string config, short replicationFactor);
}
