using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Network;

/// <summary>
/// Kestrel's entry point for the Kafka listener: each accepted connection becomes a <see cref="KafkaConnection"/>.
/// Connections proceed in parallel; requests within one are answered in order.
/// </summary>
internal sealed class KafkaConnectionHandler(
    RequestDispatcher dispatcher,
    ConnectionOptions options,
    ByteBudget budget,
    TimeProvider time,
    ILoggerFactory loggers,
    BrokerLifetime lifetime,
    string listenerName) : ConnectionHandler
{
    private readonly ILogger _logger = loggers.CreateLogger("Samsa.Broker.Network");

    public override Task OnConnectedAsync(ConnectionContext connection) =>
        OnConnectedAsync(connection, listenerName);

    /// <summary>Serves a connection that came in on <paramref name="listener"/>, for nodes with several.</summary>
    public Task OnConnectedAsync(ConnectionContext connection, string listener) =>
        new KafkaConnection(connection, dispatcher, options, budget, time, _logger, listener)
            .RunAsync(lifetime.Stopping);
}
