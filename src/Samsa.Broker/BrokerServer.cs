using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Handlers;
using Samsa.Broker.Maintenance;
using Samsa.Broker.Network;
using Samsa.Broker.Transactions;
using Samsa.Metadata.Network;

namespace Samsa.Broker;

/// <summary>
/// The broker role of a node: its replicas, the API handlers, and the Kafka listeners' connection entry point.
/// The host binds sockets (Kestrel) and hands each accepted connection, with the listener it came in on, to
/// <see cref="OnConnectedAsync(ConnectionContext, string)"/>.
/// </summary>
/// <remarks>
/// Thread-safe. The replica manager follows the metadata image on the metadata thread; connections run in
/// parallel. <see cref="Stop"/> makes connections stop reading and finish the responses they owe. The broker also
/// runs the background jobs on its logs (retention, checkpoints, the log cleaner) and, with every other broker in the
/// process, gives memory back when load stops (one <see cref="IdleMemoryTrim"/> per process) until disposed.
/// </remarks>
public sealed class BrokerServer : IAsyncDisposable
{
    private readonly KafkaConnectionHandler _connections;
    private readonly BrokerLifetime _lifetime = new();
    private readonly LogMaintenance _maintenance;
    private readonly IAsyncDisposable _memoryTrim;
    private readonly IsrUpdater _isrUpdater;

    private BrokerServer(BrokerOptions options, LogManager logs, MetadataLoader metadata,
        IController controller, TimeProvider time, ILoggerFactory loggers)
    {
        Options = options;
        ILogger replication = loggers.CreateLogger("Samsa.Broker.Replication");
        _isrUpdater = new IsrUpdater(options.NodeId, controller.AlterPartitionAsync, replication);
        Replicas = new ReplicaManager(options.NodeId, logs, options.Configs, replication, time, _isrUpdater);
        Groups = new GroupCoordinator(Replicas, metadata, controller, options.Groups, time,
            loggers.CreateLogger("Samsa.Broker.Groups"));
        IApiHandler[] handlers = CreateHandlers(options, logs, metadata, controller, time, loggers);
        var versions = new ApiVersionTable([.. handlers.Select(h => h.GetType()), typeof(ApiVersionsHandler)]);
        var dispatcher = new RequestDispatcher([.. handlers, new ApiVersionsHandler(versions)], versions,
            loggers.CreateLogger("Samsa.Broker.Requests"));
        _connections = new KafkaConnectionHandler(dispatcher, options.Connection,
            new ByteBudget(options.QueuedMaxRequestBytes), time, loggers, _lifetime, options.ListenerName);
        Fetchers = new ReplicaFetcherManager(Replicas, options.InterBrokerListenerName ?? options.ListenerName,
            new ReplicaFetcherOptions(options.ReplicaFetchMaxBytes, options.ReplicaFetchResponseMaxBytes,
                options.ReplicaFetchWaitMax, KafkaClientOptions.Default($"samsa-replica-{options.NodeId}")), time,
            loggers);
        metadata.AddPublisher(Replicas);
        metadata.AddPublisher(Fetchers);  // after the replicas: it follows the partitions they open
        metadata.AddPublisher(Groups);    // likewise
        _maintenance = new LogMaintenance(logs, Replicas, options, time, loggers);
        _memoryTrim = IdleMemoryTrim.ForProcess(time, loggers.CreateLogger("Samsa.Broker.Memory"));
    }

    public BrokerOptions Options { get; }

    internal ReplicaManager Replicas { get; }

    internal GroupCoordinator Groups { get; }

    /// <summary>The follower side of replication: a fetcher per leader broker.</summary>
    internal ReplicaFetcherManager Fetchers { get; }

    /// <summary>
    /// Wires the broker over its logs, the metadata image and the controller it sends admin changes to.
    /// </summary>
    public static BrokerServer Create(BrokerOptions options, LogManager logs, MetadataLoader metadata,
        IController controller, TimeProvider time, ILoggerFactory loggers) =>
        new(options, logs, metadata, controller, time, loggers);

    /// <summary>One handler per API the broker serves; the constructor adds ApiVersions, which lists them.</summary>
    private IApiHandler[] CreateHandlers(BrokerOptions options, LogManager logs, MetadataLoader metadata,
        IController controller, TimeProvider time, ILoggerFactory loggers)
    {
        ReplicaManager replicas = Replicas;
        GroupCoordinator groups = Groups;
        return
        [
            new MetadataHandler(options, metadata, controller),
            new ProduceHandler(replicas, metadata, time, loggers.CreateLogger("Samsa.Broker.Produce")),
            new FetchHandler(replicas, metadata, new FetchSessionCache(time), time, options.FetchMaxBytes),
            new ListOffsetsHandler(replicas, metadata),
            new CreateTopicsHandler(options, metadata, controller),
            new DeleteTopicsHandler(controller),
            new CreatePartitionsHandler(controller),
            new ElectLeadersHandler(controller),
            new DescribeConfigsHandler(options, metadata),
            new AlterConfigsHandler(options.NodeId, controller),
            new IncrementalAlterConfigsHandler(options.NodeId, controller),
            new DescribeClusterHandler(options, metadata),
            new DeleteRecordsHandler(replicas, metadata, time),
            new OffsetForLeaderEpochHandler(replicas, metadata),
            new DescribeLogDirsHandler(logs, replicas),
            new DescribeTopicPartitionsHandler(metadata),
            new InitProducerIdHandler(new ProducerIdManager(options.NodeId, controller, metadata,
                loggers.CreateLogger("Samsa.Broker.Transactions")), metadata),
            new DescribeProducersHandler(replicas, metadata),
            new FindCoordinatorHandler(groups, metadata),
            new JoinGroupHandler(groups),
            new SyncGroupHandler(groups),
            new HeartbeatHandler(groups),
            new LeaveGroupHandler(groups),
            new OffsetCommitHandler(groups, metadata),
            new OffsetFetchHandler(groups),
            new ListGroupsHandler(groups),
            new DescribeGroupsHandler(groups),
            new DeleteGroupsHandler(groups),
            new OffsetDeleteHandler(groups),
            new ConsumerGroupHeartbeatHandler(groups, metadata),
            new ConsumerGroupDescribeHandler(groups, metadata),
        ];
    }

    /// <summary>Serves one accepted Kafka connection until it closes, on the listener in
    /// <see cref="BrokerOptions.ListenerName"/>.</summary>
    public Task OnConnectedAsync(ConnectionContext connection) => _connections.OnConnectedAsync(connection);

    /// <summary>Serves one connection accepted on <paramref name="listenerName"/>: Metadata and FindCoordinator
    /// answer it with that listener's endpoints.</summary>
    public Task OnConnectedAsync(ConnectionContext connection, string listenerName) =>
        _connections.OnConnectedAsync(connection, listenerName);

    /// <summary>Stops taking requests; connections write what they owe and close.</summary>
    public void Stop() => _lifetime.Stop();

    /// <summary>
    /// Stops the background log jobs (waiting for a cleaning pass in progress) and releases the broker; call it
    /// after the connections have closed and before the logs close.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _maintenance.DisposeAsync().ConfigureAwait(false);
        await _memoryTrim.DisposeAsync().ConfigureAwait(false);
        await Fetchers.DisposeAsync().ConfigureAwait(false);
        _isrUpdater.Dispose();
        Replicas.CheckpointHighWatermarks();
        Groups.Shutdown();
        Replicas.Dispose();
        _lifetime.Dispose();
    }
}
