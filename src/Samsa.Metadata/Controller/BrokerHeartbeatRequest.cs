namespace Samsa.Metadata.Controller;

/// <summary>A registered broker says it is alive (Kafka's BrokerHeartbeat request).</summary>
/// <param name="BrokerId">Its id.</param>
/// <param name="BrokerEpoch">The epoch of its registration.</param>
/// <param name="CurrentMetadataOffset">The metadata offset it has applied; it is unfenced once this reaches its
/// registration.</param>
/// <param name="WantFence">True to stay (or become) fenced.</param>
/// <param name="WantShutDown">True when it is shutting down: it is fenced so that its partitions move away.</param>
/// <param name="OfflineLogDirs">The ids of its log directories that have failed; null or empty when none.</param>
public readonly record struct BrokerHeartbeatRequest(int BrokerId, long BrokerEpoch, long CurrentMetadataOffset,
    bool WantFence = false, bool WantShutDown = false, IReadOnlyList<Guid>? OfflineLogDirs = null);
