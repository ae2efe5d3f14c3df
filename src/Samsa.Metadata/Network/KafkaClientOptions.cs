namespace Samsa.Metadata.Network;

/// <summary>How a <see cref="NodeClient"/> talks to one node: timeouts, reconnect backoff and bounds.</summary>
/// <param name="ClientId">The client id every request header carries (a broker logs it).</param>
/// <param name="RequestTimeout">How long a request waits for its response; past it the connection is closed, as
/// Kafka's <c>request.timeout.ms</c> does, since responses come in order and one lost answer stalls the rest.
/// </param>
/// <param name="ConnectTimeout">How long a TCP connect and the ApiVersions exchange may take together.</param>
/// <param name="ReconnectBackoff">The wait after a first failed connect (<c>reconnect.backoff.ms</c>).</param>
/// <param name="ReconnectBackoffMax">The most the wait doubles to (<c>reconnect.backoff.max.ms</c>).</param>
/// <param name="MaxResponseBytes">The largest response frame accepted; a larger one closes the connection.</param>
public sealed record KafkaClientOptions(
    string ClientId,
    TimeSpan RequestTimeout,
    TimeSpan ConnectTimeout,
    TimeSpan ReconnectBackoff,
    TimeSpan ReconnectBackoffMax,
    int MaxResponseBytes = 100 * 1024 * 1024)
{
    /// <summary>Kafka's client defaults: 30 s requests, 50 ms to 1 s backoff.</summary>
    public static KafkaClientOptions Default(string clientId) => new(clientId, TimeSpan.FromSeconds(30),
        TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
}
