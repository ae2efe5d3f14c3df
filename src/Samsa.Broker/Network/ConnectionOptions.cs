namespace Samsa.Broker.Network;

/// <summary>Limits of the Kafka listener, from the broker's configuration.</summary>
/// <param name="MaxRequestBytes">socket.request.max.bytes: a larger frame closes the connection.</param>
/// <param name="MaxInFlightRequestsPerConnection">Requests decoded but not yet answered before reading pauses.</param>
/// <param name="IdleTimeout">connections.max.idle.ms: a connection with no request and nothing in flight is
/// closed.</param>
internal sealed record ConnectionOptions(
    int MaxRequestBytes = 100 * 1024 * 1024,
    int MaxInFlightRequestsPerConnection = 100,
    TimeSpan? IdleTimeout = null)
{
    public TimeSpan Idle => IdleTimeout ?? TimeSpan.FromMinutes(10);
}
