using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Handlers;
using Samsa.Broker.Network;
using Samsa.Metadata.Log;

namespace Samsa.Broker;

/// <summary>
/// The controller role's Kafka listener, the one named in <c>controller.listener.names</c>: brokers register and
/// heartbeat here (BrokerRegistration, BrokerHeartbeat), allocate producer ids, change ISRs (AlterPartition), follow
/// the metadata log (Fetch and FetchSnapshot of <c>__cluster_metadata-0</c>) and forward the admin requests that
/// change metadata (CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs, IncrementalAlterConfigs,
/// ElectLeaders). It has a dispatcher of its own, so its
/// ApiVersions lists exactly these APIs, as a KRaft controller's does, and clients' data APIs are not served on it.
/// </summary>
/// <remarks>
/// Thread-safe; connections run in parallel. <see cref="Stop"/> makes them finish what they owe and close, as the
/// broker's do.
/// </remarks>
public sealed class ControllerServer : IDisposable
{
    private readonly KafkaConnectionHandler _connections;
    private readonly BrokerLifetime _lifetime = new();

    private ControllerServer(BrokerOptions options, IController controller, MetadataLogServer log,
        MetadataLoader metadata, string listenerName, TimeProvider time, ILoggerFactory loggers)
    {
        IApiHandler[] handlers =
        [
            new BrokerRegistrationHandler(controller),
            new BrokerHeartbeatHandler(controller),
            new AllocateProducerIdsHandler(controller),
            new MetadataFetchHandler(log),
            new FetchSnapshotHandler(log),
            new CreateTopicsHandler(options, metadata, controller),
            new DeleteTopicsHandler(controller),
            new CreatePartitionsHandler(controller),
            new AlterConfigsHandler(-1, controller),
            new IncrementalAlterConfigsHandler(-1, controller),
            new AlterPartitionHandler(controller),
            new ElectLeadersHandler(controller),
        ];
        var versions = new ApiVersionTable([.. handlers.Select(h => h.GetType()), typeof(ApiVersionsHandler)]);
        var dispatcher = new RequestDispatcher([.. handlers, new ApiVersionsHandler(versions)], versions,
            loggers.CreateLogger("Samsa.Controller.Requests"));
        _connections = new KafkaConnectionHandler(dispatcher, options.Connection,
            new ByteBudget(options.QueuedMaxRequestBytes), time, loggers, _lifetime, listenerName);
    }

    /// <summary>Serves <paramref name="controller"/> and its metadata log on the controller listener
    /// <paramref name="listenerName"/>, with the broker's connection limits.</summary>
    public static ControllerServer Create(BrokerOptions options, IController controller, MetadataLogServer log,
        MetadataLoader metadata, string listenerName, TimeProvider time, ILoggerFactory loggers) =>
        new(options, controller, log, metadata, listenerName, time, loggers);

    /// <summary>Serves one accepted connection until it closes.</summary>
    public Task OnConnectedAsync(ConnectionContext connection) => _connections.OnConnectedAsync(connection);

    /// <summary>Stops taking requests; connections write what they owe and close.</summary>
    public void Stop() => _lifetime.Stop();

    public void Dispose() => _lifetime.Dispose();
}
