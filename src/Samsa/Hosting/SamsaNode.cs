using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Samsa.Broker;
using Samsa.Broker.Network;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Storage;

namespace Samsa.Hosting;

// One Samsa process: its log directories, the metadata log with the controller (single node for now), the broker,
// and Kestrel serving the Kafka listeners and the HTTP endpoints. Start-up order: logs, metadata replay, cluster id,
// Kafka listeners bound (ports known), broker registered and unfenced. Shutdown runs it backwards: connections stop
// reading and finish what they owe, the broker unregisters, logs close cleanly (so the next start skips recovery).
internal sealed partial class SamsaNode(BrokerSettings settings, WebApplication web, LogManager logs,
    LocalMetadataLog metadataLog, IDisposable subscription, MetadataLoader loader, MetadataController controller,
    BrokerServer broker, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _heartbeats = Task.CompletedTask;
    private long _brokerEpoch = -1;
    private ControllerServer? _controllerServer;

    public BrokerSettings Settings { get; } = settings;

    public MetadataLoader Metadata { get; } = loader;

    /// <summary>The broker, for tests that wait on its state (a parked fetch, a group's epoch) rather than on time.
    /// </summary>
    public BrokerServer Broker => broker;

    /// <summary>Where each client (non-controller) Kafka listener bound, by listener name (the real port when the
    /// configuration said 0).</summary>
    public IReadOnlyDictionary<string, IPEndPoint> KafkaEndpoints { get; private set; } =
        new Dictionary<string, IPEndPoint>();

    /// <summary>Where each controller listener bound, by name; empty unless the node is a controller.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> ControllerEndpoints { get; private set; } =
        new Dictionary<string, IPEndPoint>();

    /// <summary>host:port of the first client listener, for bootstrap.servers.</summary>
    public string BootstrapServers
    {
        get
        {
            IPEndPoint endpoint = KafkaEndpoints.Values.First();
            return $"{endpoint.Address}:{endpoint.Port}";
        }
    }

    public static async Task<SamsaNode> StartAsync(BrokerSettings settings, ILoggerFactory loggers, TimeProvider time,
        CancellationToken cancellationToken)
    {
        loggers = new NodeLoggerFactory(loggers, settings.NodeId);
        ILogger logger = loggers.CreateLogger("Samsa.Hosting");
        string clusterId = ResolveClusterId(settings);
        LogManager logs = LogManager.Open(settings.ToLogManagerOptions(clusterId), null, time, loggers);
        LocalMetadataLog metadataLog = LocalMetadataLog.Open(settings.LogDirs[0], settings.NodeId, time,
            loggers.CreateLogger("Samsa.Metadata.Log"));
        var loader = new MetadataLoader(loggers.CreateLogger("Samsa.Metadata"));
        IDisposable subscription = metadataLog.Subscribe(loader);
        await loader.WaitForOffsetAsync(metadataLog.CommittedOffset, cancellationToken).ConfigureAwait(false);

        MetadataController controller = await StartControllerAsync(settings, metadataLog, loader, clusterId, time,
            loggers, cancellationToken).ConfigureAwait(false);
        BrokerOptions brokerOptions = BrokerOptionsFor(settings);
        BrokerServer broker = BrokerServer.Create(brokerOptions, logs, loader, controller, time, loggers);
        ControllerServer? controllerServer = settings.IsController && settings.ControllerListenerNames.Count > 0
            ? ControllerServer.Create(brokerOptions, controller, settings.ControllerListenerNames[0], time, loggers)
            : null;

        WebApplication web = BuildWeb(settings, broker, controllerServer, loader, loggers,
            out Dictionary<string, ListenOptions> listens);
        var node = new SamsaNode(settings, web, logs, metadataLog, subscription, loader, controller, broker, logger)
        {
            _controllerServer = controllerServer,
        };
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        node.KafkaEndpoints = settings.Listeners.Where(l => !l.IsController && listens.ContainsKey(l.Name))
            .ToDictionary(l => l.Name, l => (IPEndPoint)listens[l.Name].EndPoint);
        node.ControllerEndpoints = settings.Listeners.Where(l => l.IsController && listens.ContainsKey(l.Name))
            .ToDictionary(l => l.Name, l => (IPEndPoint)listens[l.Name].EndPoint);
        await node.RegisterAsync(time, cancellationToken).ConfigureAwait(false);
        Log.Started(logger, settings.NodeId, clusterId, node.BootstrapServers);
        return node;
    }

    /// <summary>The controller over the metadata log, started once the log holds the cluster id (written to a new
    /// log, checked on an existing one).</summary>
    private static async Task<MetadataController> StartControllerAsync(BrokerSettings settings,
        LocalMetadataLog metadataLog, MetadataLoader loader, string clusterId, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var controllerOptions = new MetadataControllerOptions
        {
            DefaultNumPartitions = settings.NumPartitions,
            DefaultReplicationFactor = (short)settings.DefaultReplicationFactor,
            DeleteTopicEnable = settings.DeleteTopicEnable,
            UncleanLeaderElectionEnable = settings.UncleanLeaderElectionEnable,
            BrokerSessionTimeout = settings.BrokerSessionTimeout,
        };
        var controller = new MetadataController(metadataLog, loader, controllerOptions, ConfigDefValidator.Instance,
            time, loggers.CreateLogger("Samsa.Metadata.Controller"));
        ControllerResult bootstrap =
            await controller.BootstrapAsync(clusterId, cancellationToken).ConfigureAwait(false);
        if (!bootstrap.IsOk) throw new InvalidOperationException(bootstrap.Message);
        controller.Start();
        return controller;
    }

    /// <summary>The broker's options: its first client listener, limits, log upkeep and group coordinator.</summary>
    private static BrokerOptions BrokerOptionsFor(BrokerSettings settings)
    {
        ConfiguredListener client = settings.Listeners.First(l => !l.IsController);
        return new BrokerOptions
        {
            NodeId = settings.NodeId,
            ListenerName = client.Name,
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

    private static WebApplication BuildWeb(BrokerSettings settings, BrokerServer broker,
        ControllerServer? controllerServer, MetadataLoader loader, ILoggerFactory loggers,
        out Dictionary<string, ListenOptions> listens)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        // The transport reads at most this far ahead of what a connection has examined, so a larger frame still
        // arrives whole while a client pipelining faster than the log takes its requests waits in TCP.
        builder.Services.Configure<SocketTransportOptions>(o => o.MaxReadBufferSize = TransportBlocks.ReadAheadBytes);
        // Receive into 64 KiB blocks rather than Kestrel's 4 KiB ones: a sixteenth of the receive calls per request.
        builder.Services.AddSingleton(TransportBlocks.Factory);
        var bound = new Dictionary<string, ListenOptions>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (ConfiguredListener listener in settings.Listeners)
            {
                if (listener.IsController && controllerServer is null) continue;
                IPAddress address = BindAddress(listener.Bind.Host);
                kestrel.Listen(address, listener.Bind.Port, options =>
                {
                    if (listener.IsController) options.Run(controllerServer!.OnConnectedAsync);
                    else options.Run(broker.OnConnectedAsync);
                    bound[listener.Name] = options;
                });
            }
            foreach (Samsa.Metadata.Configs.ServerAddress http in settings.HttpListeners)
                kestrel.Listen(BindAddress(http.Host), http.Port);
        });
        WebApplication web = builder.Build();
        web.MapGet("/health/live", () => Results.Text("live\n"));
        web.MapGet("/health/ready", () => loader.Current.Brokers.Count > 0
            ? Results.Text("ready\n")
            : Results.Text("starting\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        listens = bound;
        return web;
    }

    private static IPAddress BindAddress(string host) => host switch
    {
        "" or "0.0.0.0" => IPAddress.Any,
        "::" or "[::]" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip) ? ip : Dns.GetHostAddresses(host)[0],
    };

    private static string ResolveClusterId(BrokerSettings settings)
    {
        if (settings.ClusterId is { Length: > 0 } configured) return configured;
        foreach (string dir in settings.LogDirs)
        {
            if (MetaProperties.Read(dir) is { } meta) return meta.ClusterId;
        }
        // Kafka's form: a random UUID in URL-safe base64 without padding.
        return Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private async Task RegisterAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        ImmutableArray<BrokerEndpoint> endpoints = [.. Settings.Listeners
            .Where(l => !l.IsController && l.Advertised is not null)
            .Select(l => new BrokerEndpoint(l.Name, l.Advertised!.Value.Host,
                l.Advertised.Value.Port == 0 ? KafkaEndpoints[l.Name].Port : l.Advertised.Value.Port, 0))];
        BrokerRegistrationResult registered = await controller.RegisterBrokerAsync(
            new BrokerRegistrationRequest(Settings.NodeId, Guid.NewGuid(), Metadata.Current.ClusterId, endpoints),
            cancellationToken).ConfigureAwait(false);
        if (registered.Status != ControllerStatus.Ok)
            throw new InvalidOperationException($"broker registration failed: {registered.Message}");
        _brokerEpoch = registered.BrokerEpoch;
        await HeartbeatAsync(cancellationToken).ConfigureAwait(false);
        _heartbeats = HeartbeatLoopAsync(time);
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        BrokerHeartbeatResult result = await controller.HeartbeatAsync(
            new BrokerHeartbeatRequest(Settings.NodeId, _brokerEpoch, Metadata.Current.Offset), cancellationToken)
            .ConfigureAwait(false);
        if (result.Status != ControllerStatus.Ok)
            Log.HeartbeatFailed(logger, result.Message ?? result.Status.ToString());
    }

    private async Task HeartbeatLoopAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(Settings.BrokerHeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
                await HeartbeatAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops gracefully: in-flight requests finish, the broker unregisters, logs close cleanly.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        broker.Stop();
        _controllerServer?.Stop();
        await web.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _heartbeats.ConfigureAwait(false);
        if (_brokerEpoch >= 0)
            await controller.UnregisterBrokerAsync(Settings.NodeId, CancellationToken.None).ConfigureAwait(false);
        await controller.DisposeAsync().ConfigureAwait(false);
        subscription.Dispose();
        await metadataLog.DisposeAsync().ConfigureAwait(false);
        await broker.DisposeAsync().ConfigureAwait(false);
        logs.Dispose();
        await web.DisposeAsync().ConfigureAwait(false);
        _controllerServer?.Dispose();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(5101, LogLevel.Information,
            "Node {NodeId} of cluster {ClusterId} serving Kafka clients at {Bootstrap}")]
        public static partial void Started(ILogger logger, int nodeId, string clusterId, string bootstrap);

        [LoggerMessage(5102, LogLevel.Warning, "Broker heartbeat failed: {Reason}")]
        public static partial void HeartbeatFailed(ILogger logger, string reason);
    }
}
