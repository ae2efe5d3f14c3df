using Microsoft.Extensions.Logging;
using Samsa.Broker;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Metadata.Network;
using Samsa.Storage;

namespace Samsa.Hosting;

// The two roles a node may run, each with what it owns, started and stopped as a whole.
internal sealed partial class SamsaNode
{
    /// <summary>The controller role: the metadata log on this node's disk, the controller over it, and the controller
    /// listener's server (when a controller listener is configured).</summary>
    private sealed record ControllerRole(LocalMetadataLog Log, IDisposable Subscription, MetadataController Controller,
        ControllerServer? Server, string ClusterId) : IAsyncDisposable
    {
        /// <summary>Opens and replays the metadata log, writes or checks the cluster id, and starts the controller.
        /// </summary>
        public static async Task<ControllerRole> StartAsync(BrokerSettings settings, MetadataLoader loader,
            TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
        {
            LocalMetadataLog log = LocalMetadataLog.Open(settings.LogDirs[0], settings.NodeId, time,
                loggers.CreateLogger("Samsa.Metadata.Log"));
            IDisposable subscription = log.Subscribe(loader);
            MetadataController? controller = null;
            try
            {
                await loader.WaitForOffsetAsync(log.CommittedOffset, cancellationToken).ConfigureAwait(false);
                string clusterId = ResolveClusterId(settings, loader.Current.ClusterId);
                controller = new MetadataController(log, loader, ControllerOptions(settings),
                    ConfigDefValidator.Instance, time, loggers.CreateLogger("Samsa.Metadata.Controller"));
                ControllerResult bootstrap =
                    await controller.BootstrapAsync(clusterId, cancellationToken).ConfigureAwait(false);
                if (!bootstrap.IsOk)
                {
                    throw new InvalidOperationException(
                        $"{bootstrap.Message} Wipe {settings.LogDirs[0]} (rm -rf) if its data is no longer wanted.");
                }
                if (!settings.IsBroker) WriteMetaProperties(settings, clusterId);
                controller.Start();
                ControllerServer? server = settings.ControllerListenerNames.Count > 0
                    ? ControllerServer.Create(BrokerOptionsFor(settings), controller,
                        new MetadataLogServer(log, loader, time), loader, settings.ControllerListenerNames[0], time,
                        loggers)
                    : null;
                return new ControllerRole(log, subscription, controller, server, clusterId);
            }
            catch
            {
                if (controller is not null) await controller.DisposeAsync().ConfigureAwait(false);
                subscription.Dispose();
                await log.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        private static MetadataControllerOptions ControllerOptions(BrokerSettings settings) => new()
        {
            DefaultNumPartitions = settings.NumPartitions,
            DefaultReplicationFactor = (short)settings.DefaultReplicationFactor,
            DeleteTopicEnable = settings.DeleteTopicEnable,
            UncleanLeaderElectionEnable = settings.UncleanLeaderElectionEnable,
            MinInsyncReplicas = settings.MinInsyncReplicas,
            OffsetsTopicReplicationFactor = settings.OffsetsTopicReplicationFactor,
            BrokerSessionTimeout = settings.BrokerSessionTimeout,
        };

        /// <summary>cluster.id when set, else the one the log dirs or the metadata log hold, else a new one in
        /// Kafka's form (a random UUID in URL-safe base64 without padding).</summary>
        private static string ResolveClusterId(BrokerSettings settings, string? inLog)
        {
            if (settings.ClusterId is { Length: > 0 } configured) return configured;
            foreach (string dir in settings.LogDirs)
            {
                if (MetaProperties.Read(dir) is { } meta) return meta.ClusterId;
            }
            return inLog ?? Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=')
                .Replace('+', '-').Replace('/', '_');
        }

        /// <summary>A controller-only node's log dirs name the cluster too, so a wiped peer is told apart.</summary>
        private static void WriteMetaProperties(BrokerSettings settings, string clusterId)
        {
            foreach (string dir in settings.LogDirs)
            {
                if (MetaProperties.Read(dir) is null) new MetaProperties(clusterId, settings.NodeId).Write(dir);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Controller.DisposeAsync().ConfigureAwait(false);
            Subscription.Dispose();
            await Log.DisposeAsync().ConfigureAwait(false);
            Server?.Dispose();
        }
    }

    /// <summary>The broker role: the partition logs, the broker serving clients, its lifecycle with the controller,
    /// and, on a node without the controller role, its follower of the metadata log and client of the
    /// controller.</summary>
    private sealed record BrokerRole(LogManager Logs, BrokerServer Server, BrokerLifecycle Lifecycle,
        MetadataFollower? Follower, RemoteController? Remote)
    {
        public static BrokerRole Create(BrokerSettings settings, MetadataLoader loader, IController controller,
            string clusterId, MetadataFollower? follower, RemoteController? remote, TimeProvider time,
            ILoggerFactory loggers)
        {
            LogManager logs = LogManager.Open(settings.ToLogManagerOptions(clusterId), null, time, loggers);
            BrokerServer server = BrokerServer.Create(BrokerOptionsFor(settings), logs, loader, controller, time,
                loggers);
            var lifecycle = new BrokerLifecycle(controller, loader, () => OfflineLogDirs(logs),
                settings.BrokerHeartbeatInterval, settings.BrokerSessionTimeout, time,
                loggers.CreateLogger("Samsa.Broker.Lifecycle"));
            // A failed log dir is told to the controller at once, so leadership does not wait for the next beat.
            logs.LogDirectoryOffline += (_, _) => lifecycle.HeartbeatSoon();
            loader.AddPublisher(lifecycle);
            return new BrokerRole(logs, server, lifecycle, follower, remote);
        }

        /// <summary>The ids of the log dirs (<c>directory.id</c>) the broker registers.</summary>
        public IReadOnlyList<Guid> LogDirIds =>
            [.. Logs.LogDirectories.Select(d => d.Id).Where(id => id != Guid.Empty)];

        private static List<Guid> OfflineLogDirs(LogManager logs) =>
            [.. logs.LogDirectories.Where(d => d.IsOffline && d.Id != Guid.Empty).Select(d => d.Id)];

        /// <summary>Controlled shutdown, then the broker and its logs close; <paramref name="clean"/> records the
        /// broker epoch for the next registration.</summary>
        public async ValueTask DisposeAsync(bool clean)
        {
            await Lifecycle.ShutdownAsync().ConfigureAwait(false);
            if (Follower is not null) await Follower.DisposeAsync().ConfigureAwait(false);
            await Server.DisposeAsync().ConfigureAwait(false);
            Logs.Close(clean ? Lifecycle.BrokerEpoch : -1);
            Lifecycle.Dispose();
            if (Remote is not null) await Remote.DisposeAsync().ConfigureAwait(false);
        }
    }
}
