using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Samsa.Broker;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Network;
using Samsa.Storage;

namespace Samsa.Hosting;

// One Samsa process, with the parts its process.roles name. A controller opens its metadata log, replays it, writes
// or checks the cluster id, and serves the controller listener. A broker that is not a controller follows the metadata
// log from the controller quorum over the wire until it has caught up (so it learns the cluster id), then checks its
// log dirs belong to that cluster. A broker opens its logs, binds its listeners, registers and waits to be unfenced;
// its admin changes go to the controller in process (a combined node) or over the controller listener. Shutdown runs
// backwards: connections stop reading and finish what they owe, the broker asks for a controlled shutdown (fenced,
// leadership moved), logs close cleanly with the broker epoch recorded for the next registration.
internal sealed partial class SamsaNode : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly ControllerRole? _controller;
    private readonly BrokerRole? _broker;
    private readonly ILogger _logger;

    private SamsaNode(BrokerSettings settings, WebApplication web, MetadataLoader loader, ControllerRole? controller,
        BrokerRole? broker, ILogger logger)
    {
        Settings = settings;
        _web = web;
        Metadata = loader;
        _controller = controller;
        _broker = broker;
        _logger = logger;
    }

    public BrokerSettings Settings { get; }

    /// <summary>This node's metadata image.</summary>
    public MetadataLoader Metadata { get; }

    /// <summary>The broker, for tests that wait on its state (a parked fetch, a group's epoch) rather than on time.
    /// </summary>
    public BrokerServer Broker => _broker?.Server ?? throw new InvalidOperationException("the node is not a broker");

    /// <summary>The broker's log dirs, for tests that fail one.</summary>
    internal LogManager Logs => _broker?.Logs ?? throw new InvalidOperationException("the node is not a broker");

    /// <summary>Where each client (non-controller) Kafka listener bound, by listener name (the real port when the
    /// configuration said 0).</summary>
    public IReadOnlyDictionary<string, IPEndPoint> KafkaEndpoints { get; private set; } =
        new Dictionary<string, IPEndPoint>();

    /// <summary>Where each controller listener bound, by name; empty unless the node is a controller.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> ControllerEndpoints { get; private set; } =
        new Dictionary<string, IPEndPoint>();

    /// <summary>host:port of the first client listener, for bootstrap.servers (a controller-only node: of its
    /// controller listener).</summary>
    public string BootstrapServers
    {
        get
        {
            IPEndPoint endpoint = (KafkaEndpoints.Count > 0 ? KafkaEndpoints : ControllerEndpoints).Values.First();
            return $"{endpoint.Address}:{endpoint.Port}";
        }
    }

    public static async Task<SamsaNode> StartAsync(BrokerSettings settings, ILoggerFactory loggers, TimeProvider time,
        CancellationToken cancellationToken)
    {
        loggers = new NodeLoggerFactory(loggers, settings.NodeId);
        ILogger logger = loggers.CreateLogger("Samsa.Hosting");
        var loader = new MetadataLoader(loggers.CreateLogger("Samsa.Metadata"));
        ControllerRole? controller = null;
        BrokerRole? broker = null;
        MetadataFollower? follower = null;
        RemoteController? remote = null;
        WebApplication? web = null;
        try
        {
            string clusterId;
            IController controllerApi;
            if (settings.IsController)
            {
                controller = await ControllerRole.StartAsync(settings, loader, time, loggers, cancellationToken)
                    .ConfigureAwait(false);
                clusterId = controller.ClusterId;
                controllerApi = controller.Controller;
            }
            else
            {
                KafkaClientOptions options = ControllerClientOptions(settings);
                follower = new MetadataFollower(settings.NodeId, settings.ControllerQuorumVoters, loader, options,
                    time, loggers.CreateLogger("Samsa.Metadata.Follower"));
                follower.Start();
                clusterId = await CatchUpAsync(settings, follower, loader, cancellationToken).ConfigureAwait(false);
                controllerApi = remote = new RemoteController(settings.ControllerQuorumVoters, options, time);
            }
            if (settings.IsBroker)
            {
                broker = BrokerRole.Create(settings, loader, controllerApi, clusterId, follower, remote, time,
                    loggers);
            }
            web = NodeWeb.Build(settings, broker?.Server, controller?.Server,
                () => broker is null ? loader.Current.ClusterId is not null : !broker.Lifecycle.IsFenced, loggers,
                out Dictionary<string, Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> listens);
            var node = new SamsaNode(settings, web, loader, controller, broker, logger);
            await web.StartAsync(cancellationToken).ConfigureAwait(false);
            node.KafkaEndpoints = Bound(settings, listens, controller: false);
            node.ControllerEndpoints = Bound(settings, listens, controller: true);
            if (broker is not null)
                await broker.Lifecycle.StartAsync(node.Registration(broker), cancellationToken).ConfigureAwait(false);
            if (broker is not null) Log.Started(logger, settings.NodeId, clusterId, node.BootstrapServers);
            else Log.StartedController(logger, settings.NodeId, clusterId, node.BootstrapServers);
            return node;
        }
        catch
        {
            if (web is not null) await web.DisposeAsync().ConfigureAwait(false);
            if (broker is not null) await broker.DisposeAsync(clean: false).ConfigureAwait(false);
            else if (follower is not null) await follower.DisposeAsync().ConfigureAwait(false);
            if (broker is null && remote is not null) await remote.DisposeAsync().ConfigureAwait(false);
            if (controller is not null) await controller.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Where each listener of the kind asked for bound, by name (the real port when it said 0).</summary>
    private static Dictionary<string, IPEndPoint> Bound(BrokerSettings settings,
        Dictionary<string, Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> listens, bool controller) =>
        settings.Listeners.Where(l => l.IsController == controller && listens.ContainsKey(l.Name))
            .ToDictionary(l => l.Name, l => (IPEndPoint)listens[l.Name].EndPoint);

    /// <summary>
    /// Waits until a broker without the controller role has caught up with the metadata log (so it knows the cluster
    /// id), and checks that id against cluster.id when that is set.
    /// </summary>
    private static async Task<string> CatchUpAsync(BrokerSettings settings, MetadataFollower follower,
        MetadataLoader loader, CancellationToken cancellationToken)
    {
        await follower.CaughtUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        string clusterId = loader.Current.ClusterId
            ?? throw new InvalidOperationException("the controller's metadata log has no cluster id");
        if (settings.ClusterId is { Length: > 0 } configured && configured != clusterId)
        {
            throw new InvalidOperationException(
                $"cluster.id is {configured}, but the controller leads cluster {clusterId}; " +
                "fix cluster.id or point controller.quorum.voters at that cluster's controllers");
        }
        return clusterId;
    }

    /// <summary>How a broker talks to the controller: requests bounded by the session timeout, Kafka's
    /// backoff.</summary>
    internal static KafkaClientOptions ControllerClientOptions(BrokerSettings settings) =>
        KafkaClientOptions.Default($"samsa-broker-{settings.NodeId}") with
        {
            RequestTimeout = settings.BrokerSessionTimeout,
            ConnectTimeout = TimeSpan.FromTicks(Math.Min(settings.BrokerSessionTimeout.Ticks,
                TimeSpan.FromSeconds(5).Ticks)),
        };

    /// <summary>The broker's registration: its advertised client listeners (with the real ports when they were 0)
    /// and the epoch it had at its last clean shutdown.</summary>
    private BrokerRegistrationRequest Registration(BrokerRole broker)
    {
        ImmutableArray<BrokerEndpoint> endpoints = [.. Settings.Listeners
            .Where(l => !l.IsController && l.Advertised is not null)
            .Select(l => new BrokerEndpoint(l.Name, l.Advertised!.Value.Host,
                l.Advertised.Value.Port == 0 ? KafkaEndpoints[l.Name].Port : l.Advertised.Value.Port, 0))];
        return new BrokerRegistrationRequest(Settings.NodeId, Guid.NewGuid(), Metadata.Current.ClusterId, endpoints,
            PreviousBrokerEpoch: broker.Logs.PreviousBrokerEpoch, LogDirs: broker.LogDirIds);
    }

    /// <summary>The broker's options: its first client listener, limits, log upkeep and group coordinator.</summary>
    private static BrokerOptions BrokerOptionsFor(BrokerSettings settings)
    {
        ConfiguredListener? client = settings.Listeners.FirstOrDefault(l => !l.IsController);
        return new BrokerOptions
        {
            NodeId = settings.NodeId,
            ListenerName = client?.Name
                ?? (settings.ControllerListenerNames.Count > 0 ? settings.ControllerListenerNames[0] : "PLAINTEXT"),
            InterBrokerListenerName = settings.InterBrokerListenerName,
            ReplicaFetchMaxBytes = settings.ReplicaFetchMaxBytes,
            ReplicaFetchResponseMaxBytes = settings.ReplicaFetchResponseMaxBytes,
            ReplicaFetchWaitMax = settings.ReplicaFetchWaitMax,
            ReplicaLagTimeMax = settings.ReplicaLagTimeMax,
            HighWatermarkCheckpointInterval = settings.HighWatermarkCheckpointInterval,
            SocketRequestMaxBytes = settings.SocketRequestMaxBytes,
            QueuedMaxRequestBytes = settings.QueuedMaxRequestBytes,
            FetchMaxBytes = settings.FetchMaxBytes,
            ConnectionsMaxIdle = settings.ConnectionsMaxIdle,
            AutoCreateTopicsEnable = settings.AutoCreateTopicsEnable,
            Configs = settings.ToBrokerConfigValues(),
            LogRetentionCheckInterval = settings.LogRetentionCheckInterval,
            LogCheckpointInterval = settings.LogFlushOffsetCheckpointInterval,
            LogCleaner = settings.LogCleaner,
            Groups = new Samsa.Broker.Groups.GroupCoordinatorOptions
            {
                OffsetsTopicNumPartitions = settings.OffsetsTopicNumPartitions,
                OffsetsTopicReplicationFactor = settings.OffsetsTopicReplicationFactor,
                OffsetsRetention = settings.OffsetsRetention,
                InitialRebalanceDelay = settings.GroupInitialRebalanceDelay,
                MinSessionTimeout = settings.GroupMinSessionTimeout,
                MaxSessionTimeout = settings.GroupMaxSessionTimeout,
                MaxSize = settings.GroupMaxSize,
                ConsumerSessionTimeout = settings.GroupConsumerSessionTimeout,
                ConsumerHeartbeatInterval = settings.GroupConsumerHeartbeatInterval,
                ConsumerMaxSize = settings.GroupConsumerMaxSize,
            },
        };
    }

    /// <summary>Stops gracefully: in-flight requests finish, the broker shuts down under the controller's control,
    /// logs close cleanly.</summary>
    public async ValueTask DisposeAsync()
    {
        // Leadership moves first, while the broker still answers, so clients follow it at once.
        if (_broker is not null) await _broker.Lifecycle.ShutdownAsync().ConfigureAwait(false);
        _broker?.Server.Stop();
        _controller?.Server?.Stop();
        await _web.StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_broker is not null) await _broker.DisposeAsync(clean: true).ConfigureAwait(false);
        if (_controller is not null) await _controller.DisposeAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger, Settings.NodeId);
    }

    private static partial class Log
    {
        [LoggerMessage(5101, LogLevel.Information,
            "Node {NodeId} of cluster {ClusterId} serving Kafka clients at {Bootstrap}")]
        public static partial void Started(ILogger logger, int nodeId, string clusterId, string bootstrap);

        [LoggerMessage(5104, LogLevel.Information,
            "Node {NodeId} of cluster {ClusterId} serving the controller listener at {Endpoint}")]
        public static partial void StartedController(ILogger logger, int nodeId, string clusterId, string endpoint);

        [LoggerMessage(5103, LogLevel.Information, "Node {NodeId} stopped")]
        public static partial void Stopped(ILogger logger, int nodeId);
    }
}
