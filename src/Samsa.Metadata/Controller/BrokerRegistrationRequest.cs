using System.Collections.Immutable;

namespace Samsa.Metadata.Controller;

/// <summary>A broker asks to join the cluster (Kafka's BrokerRegistration request).</summary>
/// <param name="BrokerId">Its <c>node.id</c>.</param>
/// <param name="IncarnationId">A random id chosen at each start of the broker process.</param>
/// <param name="ClusterId">The cluster id in the broker's <c>meta.properties</c>, or null when it has none yet.</param>
/// <param name="Endpoints">Its advertised listeners; at least one, with distinct names.</param>
/// <param name="Rack">Its rack, or null.</param>
/// <param name="PreviousBrokerEpoch">The broker epoch it had when it last shut down cleanly; -1 after an unclean
/// shutdown or on a first start (KIP-966: a broker back from a crash may have lost unflushed records).</param>
/// <param name="LogDirs">The ids of its log directories (<c>directory.id</c>), so the controller can tell when all of
/// them have failed; null or empty when it does not say.</param>
public sealed record BrokerRegistrationRequest(int BrokerId, Guid IncarnationId, string? ClusterId,
    ImmutableArray<BrokerEndpoint> Endpoints, string? Rack = null, long PreviousBrokerEpoch = -1,
    IReadOnlyList<Guid>? LogDirs = null);
