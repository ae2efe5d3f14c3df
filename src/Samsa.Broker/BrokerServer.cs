using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Handlers;
using Samsa.Broker.Maintenance;
using Samsa.Broker.Network;
using Samsa.Broker.Transactions;

namespace Samsa.Broker;

/// <summary>
/// The broker role of a node: its replicas, the API handlers, and the Kafka listener's connection entry point.
/// The host binds sockets (Kestrel) and hands each accepted connection to <see cref="OnConnectedAsync"/>.
/// </summary>
/// <remarks>
/// Thread-safe. The replica manager follows the metadata image on the metadata thread; connections run in
/// parallel. <see cref="Stop"/> makes connections stop reading and finish the responses they owe. The broker also
/// runs the background jobs on its logs (retention, checkpoints, the log cleaner) and gives memory back when load
/// stops (<see cref="IdleMemoryTrim"/>) until disposed.
/// </remarks>
public sealed class BrokerServer : IAsyncDisposable
{
    private readonly KafkaConnectionHandler _connections;
    private readonly BrokerLifetime _lifetime;
    private readonly LogMaintenance _maintenance;
    private readonly IdleMemoryTrim _memoryTrim;

    private BrokerServer(BrokerOptions options, ReplicaManager replicas, KafkaConnectionHandler connections,
        BrokerLifetime lifetime, LogMaintenance maintenance, IdleMemoryTrim memoryTrim, GroupCoordinator groups)
    {
        Groups = groups;
        Options = options;
        Replicas = replicas;
        _connections = connections;
        _lifetime = lifetime;
        _maintenance = maintenance;
        _memoryTrim = memoryTrim;
    }

    public BrokerOptions Options { get; }

    internal ReplicaManager Replicas { get; }

    internal GroupCoordinator Groups { get; }

    /// <summary>Wires the broker over its logs, the metadata image and the controller it sends admin changes
    /// to.</summary>
    public static BrokerServer Create(BrokerOptions options, LogManager logs, MetadataLoader metadata,
        MetadataController controller, TimeProvider time, ILoggerFactory loggers)
    {
        var replicas = new ReplicaManager(options.NodeId, logs, options.Configs,
            loggers.CreateLogger("Samsa.Broker.Replication"));
        var groups = new GroupCoordinator(replicas, metadata, controller, options.Groups, time,
            loggers.CreateLogger("Samsa.Broker.Groups"));
        IApiHandler[] handlers =
        [
            new MetadataHandler(options, metadata, controller),
            new ProduceHandler(replicas, metadata, time),
            new FetchHandler(replicas, metadata, new FetchSessionCache(time), time, options.FetchMaxBytes),
            new ListOffsetsHandler(replicas, metadata),
            new CreateTopicsHandler(options, metadata, controller),
            new DeleteTopicsHandler(controller),
            new CreatePartitionsHandler(controller),
            new DescribeConfigsHandler(options, metadata),
            new AlterConfigsHandler(options, controller),
            new IncrementalAlterConfigsHandler(options, controller),
            new DescribeClusterHandler(options, metadata),
            new DeleteRecordsHandler(replicas, metadata),
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
        var versions = new ApiVersionTable([.. handlers.Select(h => h.GetType()), typeof(ApiVersionsHandler)]);
        var dispatcher = new RequestDispatcher([.. handlers, new ApiVersionsHandler(versions)], versions,
            loggers.CreateLogger("Samsa.Broker.Requests"));
        var budget = new ByteBudget(options.QueuedMaxRequestBytes);
        var lifetime = new BrokerLifetime();
        var connections = new KafkaConnectionHandler(dispatcher, options.Connection, budget, time, loggers, lifetime,
            options.ListenerName);
        metadata.AddPublisher(replicas);
        metadata.AddPublisher(groups);   // after the replicas: it looks up the partitions they open
        var maintenance = new LogMaintenance(logs, replicas, options, time, loggers);
        var memoryTrim = new IdleMemoryTrim(time, IdleMemoryTrim.ProcessActivity, IdleMemoryTrim.TrimProcess,
            loggers.CreateLogger("Samsa.Broker.Memory"));
        return new BrokerServer(options, replicas, connections, lifetime, maintenance, memoryTrim, groups);
    }

    /// <summary>Serves one accepted Kafka connection until it closes.</summary>
    public Task OnConnectedAsync(ConnectionContext connection) => _connections.OnConnectedAsync(connection);

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
        Groups.Shutdown();
        Replicas.Dispose();
        _lifetime.Dispose();
    }
}
