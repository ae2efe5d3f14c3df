using System.Globalization;
using Samsa.Storage;
using static Samsa.Metadata.Configs.BrokerConfigs;

namespace Samsa.Configuration;

/// <summary>
/// Turns a valid <see cref="EffectiveConfiguration"/> into <see cref="BrokerSettings"/>: checks that span keys
/// (roles against listeners and voters, advertised names against listeners, limits against each other), derives
/// the advertised listeners, and resolves the "-1 means derived" defaults. Each refusal is one line naming the key,
/// its value and its source.
/// </summary>
internal static class BrokerSettingsBuilder
{
    private const long MinimumMemory = 64L << 20;

    public static BrokerSettings? Build(EffectiveConfiguration config, MachineInfo machine, List<string> errors,
        List<ConfigWarning> warnings)
    {
        int errorsBefore = errors.Count;
        var check = new Checker(config, errors);
        Topology topology = ResolveTopology(config, check, machine, errors, warnings);
        long memory = config.Get(Memory) ?? Math.Max(machine.AvailableMemoryBytes / 2, MinimumMemory);
        long queued = ResolveQueuedMaxRequestBytes(config, check, memory);
        check.NotAbove(GroupMinSessionTimeoutMs, GroupMaxSessionTimeoutMs);
        check.NotAbove(BrokerHeartbeatIntervalMs, BrokerSessionTimeoutMs);
        check.NotAbove(LogCleanerMinCompactionLagMs, LogCleanerMaxCompactionLagMs);
        check.Below(ReplicaFetchWaitMaxMs, ReplicaLagTimeMaxMs);   // an idle follower must not look lagging
        return errors.Count > errorsBefore ? null : Create(config, topology, memory, queued);
    }

    /// <summary>
    /// Who the node is, where it listens and how it finds the controllers, checked across those keys.
    /// </summary>
    private static Topology ResolveTopology(EffectiveConfiguration config, Checker check, MachineInfo machine,
        List<string> errors, List<ConfigWarning> warnings)
    {
        int nodeId = ResolveNodeId(config, check, errors);
        ProcessRoles roles = ResolveRoles(config, check);
        bool isBroker = (roles & ProcessRoles.Broker) != 0;
        bool isController = (roles & ProcessRoles.Controller) != 0;

        IReadOnlyList<string> controllerNames = SplitNames(config.Get(ControllerListenerNames));
        IReadOnlyList<ConfiguredListener> listeners = ResolveListeners(config, check, machine, controllerNames,
            isBroker, isController);
        string? interBroker = isBroker ? ResolveInterBrokerListener(config, check, listeners) : null;

        IReadOnlyList<QuorumVoter> voters = ParseAll<QuorumVoter>(config.Get(ControllerQuorumVoters),
            (string text, out QuorumVoter voter) => QuorumVoter.TryParse(text, out voter));
        IReadOnlyList<ServerAddress> bootstrap = ParseAll<ServerAddress>(config.Get(ControllerQuorumBootstrapServers),
            (string text, out ServerAddress address) => ServerAddress.TryParse(text, false, out address));
        if (roles != ProcessRoles.None) CheckQuorum(config, check, nodeId, isController, voters, bootstrap);
        WarnAboutLoopback(listeners, voters, bootstrap, warnings);

        IReadOnlyList<ServerAddress> http = ResolveHttpListeners(config, check, listeners);
        return new Topology(nodeId, roles, controllerNames, listeners, interBroker, voters, bootstrap, http);
    }

    /// <summary>
    /// <c>queued.max.request.bytes</c>: -1 derives it from the memory budget, never below one request.
    /// </summary>
    private static long ResolveQueuedMaxRequestBytes(EffectiveConfiguration config, Checker check, long memory)
    {
        int socketRequestMaxBytes = config.Get(SocketRequestMaxBytes);
        long queued = config.Get(QueuedMaxRequestBytes);
        if (queued == -1) return Math.Max(memory / 4, socketRequestMaxBytes);
        if (queued < socketRequestMaxBytes)
        {
            check.Fail(QueuedMaxRequestBytes,
                $"must be -1 or at least socket.request.max.bytes={Text(socketRequestMaxBytes)}");
        }
        return queued;
    }

    /// <summary>The settings of a configuration that passed every check: the resolved topology and memory limits,
    /// and the keys taken as they are (durations as <see cref="TimeSpan"/>).</summary>
    private static BrokerSettings Create(EffectiveConfiguration config, Topology topology, long memory, long queued)
    {
        string? logDirs = config.Get(LogDirs);
        IReadOnlyList<string> dirs = string.IsNullOrWhiteSpace(logDirs) ? [config.Get(LogDir)] : SplitList(logDirs);
        long idleMs = config.Get(ConnectionsMaxIdleMs);
        return new BrokerSettings
        {
            Configuration = config,
            NodeId = topology.NodeId,
            Roles = topology.Roles,
            ClusterId = config.Get(ClusterId),
            ControllerQuorumVoters = topology.Voters,
            ControllerQuorumBootstrapServers = topology.Bootstrap,
            ControllerListenerNames = topology.ControllerListenerNames,
            Listeners = topology.Listeners,
            InterBrokerListenerName = topology.InterBrokerListenerName,
            HttpListeners = topology.HttpListeners,
            MemoryBytes = memory,
            SocketRequestMaxBytes = config.Get(SocketRequestMaxBytes),
            QueuedMaxRequestBytes = queued,
            ConnectionsMaxIdle = idleMs < 0 ? Timeout.InfiniteTimeSpan : Ms(idleMs),
            MessageMaxBytes = config.Get(MessageMaxBytes),
            FetchMaxBytes = config.Get(FetchMaxBytes),
            NumPartitions = config.Get(NumPartitions),
            DefaultReplicationFactor = config.Get(DefaultReplicationFactor),
            MinInsyncReplicas = config.Get(MinInsyncReplicas),
            AutoCreateTopicsEnable = config.Get(AutoCreateTopicsEnable),
            DeleteTopicEnable = config.Get(DeleteTopicEnable),
            UncleanLeaderElectionEnable = config.Get(UncleanLeaderElectionEnable),
            LogDirs = dirs,
            NumRecoveryThreadsPerDataDir = config.Get(NumRecoveryThreadsPerDataDir),
            LogRetentionCheckInterval = Ms(config.Get(LogRetentionCheckIntervalMs)),
            LogFlushOffsetCheckpointInterval = Ms(config.Get(LogFlushOffsetCheckpointIntervalMs)),
            LogCleaner = LogCleanerFrom(config),
            TopicDefaults = EffectiveTopicConfig.Resolve(new Dictionary<string, string>(),
                new BrokerConfigValues(staticValues: config.StaticValues)),
            ReplicaLagTimeMax = Ms(config.Get(ReplicaLagTimeMaxMs)),
            ReplicaFetchMaxBytes = config.Get(ReplicaFetchMaxBytes),
            ReplicaFetchWaitMax = Ms(config.Get(ReplicaFetchWaitMaxMs)),
            ReplicaFetchResponseMaxBytes = config.Get(ReplicaFetchResponseMaxBytes),
            HighWatermarkCheckpointInterval = Ms(config.Get(ReplicaHighWatermarkCheckpointIntervalMs)),
            OffsetsTopicNumPartitions = config.Get(OffsetsTopicNumPartitions),
            OffsetsTopicReplicationFactor = config.Get(OffsetsTopicReplicationFactor),
            OffsetsRetention = TimeSpan.FromMinutes(config.Get(OffsetsRetentionMinutes)),
            GroupInitialRebalanceDelay = Ms(config.Get(GroupInitialRebalanceDelayMs)),
            GroupMinSessionTimeout = Ms(config.Get(GroupMinSessionTimeoutMs)),
            BrokerHeartbeatInterval = Ms(config.Get(BrokerHeartbeatIntervalMs)),
            BrokerSessionTimeout = Ms(config.Get(BrokerSessionTimeoutMs)),
            GroupMaxSessionTimeout = Ms(config.Get(GroupMaxSessionTimeoutMs)),
            GroupMaxSize = config.Get(GroupMaxSize),
            GroupConsumerSessionTimeout = Ms(config.Get(GroupConsumerSessionTimeoutMs)),
            GroupConsumerHeartbeatInterval = Ms(config.Get(GroupConsumerHeartbeatIntervalMs)),
            GroupConsumerMaxSize = config.Get(GroupConsumerMaxSize),
            ProducerIdExpiration = Ms(config.Get(ProducerIdExpirationMs)),
        };
    }

    /// <summary>The log cleaner's settings; null with <c>log.cleaner.enable=false</c>.</summary>
    private static LogCleanerOptions? LogCleanerFrom(EffectiveConfiguration config) => config.Get(LogCleanerEnable)
        ? new LogCleanerOptions
        {
            DedupeBufferBytes = config.Get(LogCleanerDedupeBufferSize),
            Backoff = Ms(config.Get(LogCleanerBackoffMs)),
            ProducerIdExpiration = Ms(config.Get(ProducerIdExpirationMs)),
        }
        : null;

    private static int ResolveNodeId(EffectiveConfiguration config, Checker check, List<string> errors)
    {
        int? nodeId = config.Get(NodeId);
        int? brokerId = config.Get(BrokerId);
        if (nodeId is null && brokerId is null)
        {
            errors.Add("samsa: node.id is not set: give --node.id=N, SAMSA_NODE_ID=N or node.id=N in the "
                + "properties file");
            return -1;
        }

        if (nodeId is not null && brokerId is not null && nodeId != brokerId)
            check.Fail(BrokerId, $"must equal node.id={Text(nodeId.Value)} (from {config[NodeId].Origin})");
        return nodeId ?? brokerId!.Value;
    }

    private static ProcessRoles ResolveRoles(EffectiveConfiguration config, Checker check)
    {
        ProcessRoles roles = ProcessRoles.None;
        foreach (string role in config.Get(BrokerConfigs.ProcessRoles))
        {
            ProcessRoles flag = role == "broker" ? ProcessRoles.Broker : ProcessRoles.Controller;
            if ((roles & flag) != 0) check.Fail(BrokerConfigs.ProcessRoles, $"names {role} twice");
            roles |= flag;
        }

        if (roles == ProcessRoles.None) check.Fail(BrokerConfigs.ProcessRoles, "must name broker, controller or both");
        return roles;
    }

    private static IReadOnlyList<ConfiguredListener> ResolveListeners(EffectiveConfiguration config, Checker check,
        MachineInfo machine, IReadOnlyList<string> controllerNames, bool isBroker, bool isController)
    {
        ListenerEndpoint.TryParseList(config.Get(Listeners), requireDistinctPorts: true,
            out IReadOnlyList<ListenerEndpoint> binds, out _);
        Dictionary<string, string> protocols = ParseProtocolMap(config.Get(ListenerSecurityProtocolMap));
        bool mapIsDefault = config[ListenerSecurityProtocolMap].IsDefault;

        if (isController)
        {
            foreach (string name in controllerNames)
            {
                if (!binds.Any(b => b.Name == name))
                    check.Fail(ControllerListenerNames, $"names {name}, which listeners does not define");
            }
        }

        Dictionary<string, ListenerEndpoint>? advertised =
            isBroker ? ResolveAdvertisedListeners(config, check, binds, controllerNames) : null;

        var result = new List<ConfiguredListener>(binds.Count);
        foreach (ListenerEndpoint bind in binds)
        {
            bool isControllerListener = controllerNames.Contains(bind.Name);
            string? protocol = protocols.GetValueOrDefault(bind.Name)
                ?? (isControllerListener && mapIsDefault ? "PLAINTEXT" : null);
            if (protocol is null)
                check.Fail(Listeners, $"names listener {bind.Name}, which listener.security.protocol.map does not map");
            else if (protocol != "PLAINTEXT")
                check.Fail(Listeners, $"puts listener {bind.Name} on {protocol}; Samsa serves PLAINTEXT only");
            if (isControllerListener && !isController)
                check.Fail(Listeners, $"has controller listener {bind.Name} on a node without the controller role");

            ListenerEndpoint? advertisedEndpoint = null;
            bool hostName = false;
            if (isBroker && !isControllerListener)
                advertisedEndpoint = Advertise(bind, advertised, machine, out hostName);

            result.Add(new ConfiguredListener(bind, protocol ?? "", isControllerListener, advertisedEndpoint,
                hostName));
        }

        if (isBroker && !result.Any(l => !l.IsController))
            check.Fail(Listeners, "has no broker listener: every one is in controller.listener.names");
        return result;
    }

    /// <summary>
    /// The entries of <c>advertised.listeners</c> by listener name, each naming a broker listener; null when unset.
    /// </summary>
    private static Dictionary<string, ListenerEndpoint>? ResolveAdvertisedListeners(EffectiveConfiguration config,
        Checker check, IReadOnlyList<ListenerEndpoint> binds, IReadOnlyList<string> controllerNames)
    {
        string? advertisedText = config.Get(AdvertisedListeners);
        if (string.IsNullOrWhiteSpace(advertisedText)) return null;
        ListenerEndpoint.TryParseList(advertisedText, requireDistinctPorts: false,
            out IReadOnlyList<ListenerEndpoint> entries, out _);
        var advertised = new Dictionary<string, ListenerEndpoint>();
        foreach (ListenerEndpoint entry in entries)
        {
            if (controllerNames.Contains(entry.Name))
                check.Fail(AdvertisedListeners, $"advertises {entry.Name}, a controller listener");
            else if (!binds.Any(b => b.Name == entry.Name))
                check.Fail(AdvertisedListeners, $"names listener {entry.Name}, which listeners does not define");
            advertised[entry.Name] = entry;
        }
        return advertised;
    }

    /// <summary>
    /// What a broker listener advertises: its <c>advertised.listeners</c> entry, or where it binds when that key is
    /// unset; a wildcard host becomes the machine's name (<paramref name="hostName"/>). Null when the key is set
    /// without this listener.
    /// </summary>
    private static ListenerEndpoint? Advertise(ListenerEndpoint bind, Dictionary<string, ListenerEndpoint>? advertised,
        MachineInfo machine, out bool hostName)
    {
        hostName = false;
        ListenerEndpoint source = bind;
        if (advertised is not null && !advertised.TryGetValue(bind.Name, out source)) return null;
        hostName = source.IsWildcard;
        return hostName ? source with { Host = machine.HostName } : source;
    }

    private static string? ResolveInterBrokerListener(EffectiveConfiguration config, Checker check,
        IReadOnlyList<ConfiguredListener> listeners)
    {
        string[] advertised = [.. listeners.Where(l => l.Advertised is not null).Select(l => l.Name)];
        string? name = config.Get(InterBrokerListenerName)?.ToUpperInvariant();
        if (name is null) return advertised.Length > 0 ? advertised[0] : null;
        if (!advertised.Contains(name))
        {
            check.Fail(InterBrokerListenerName,
                $"is not one of the advertised listeners ({string.Join(", ", advertised)})");
        }

        return name;
    }

    private static void CheckQuorum(EffectiveConfiguration config, Checker check, int nodeId, bool isController,
        IReadOnlyList<QuorumVoter> voters, IReadOnlyList<ServerAddress> bootstrap)
    {
        var ids = new HashSet<int>();
        foreach (QuorumVoter voter in voters)
        {
            if (!ids.Add(voter.Id)) check.Fail(ControllerQuorumVoters, $"names voter {Text(voter.Id)} twice");
        }

        if (nodeId < 0) return;
        if (isController && voters.Count > 0 && !ids.Contains(nodeId))
        {
            check.Fail(ControllerQuorumVoters,
                $"does not include node.id={Text(nodeId)}, which has the controller role");
        }
        if (!isController && ids.Contains(nodeId))
            check.Fail(ControllerQuorumVoters, $"includes node.id={Text(nodeId)}, which lacks the controller role");
        if (!isController && voters.Count == 0 && bootstrap.Count == 0)
        {
            check.Fail(BrokerConfigs.ProcessRoles,
                "needs controller.quorum.voters or controller.quorum.bootstrap.servers to find the controllers");
        }
    }

    // A loopback address advertised to other hosts is a classic Kafka set-up mistake: warn when the listener binds
    // more than loopback, or the cluster has nodes elsewhere.
    private static void WarnAboutLoopback(IReadOnlyList<ConfiguredListener> listeners,
        IReadOnlyList<QuorumVoter> voters, IReadOnlyList<ServerAddress> bootstrap, List<ConfigWarning> warnings)
    {
        string? remotePeer = voters.Select(v => v.Address).Concat(bootstrap)
            .Where(a => !ServerAddress.IsLoopbackHost(a.Host)).Select(a => a.ToString()).FirstOrDefault();
        foreach (ConfiguredListener listener in listeners)
        {
            if (listener.Advertised is not { IsLoopback: true } advertised) continue;
            if (!listener.Bind.IsLoopback)
            {
                string bind = listener.Bind.IsWildcard ? "every interface" : listener.Bind.Host;
                warnings.Add(new ConfigWarning(ConfigWarningKind.AdvertisedLoopback,
                    $"listener {listener.Name} binds {bind} but advertises {advertised}: clients on other hosts "
                    + "would connect to themselves; set advertised.listeners to an address they can reach"));
            }
            else if (remotePeer is not null)
            {
                warnings.Add(new ConfigWarning(ConfigWarningKind.AdvertisedLoopback,
                    $"listener {listener.Name} advertises {advertised} while the cluster has nodes on other hosts "
                    + $"({remotePeer}), which cannot reach it"));
            }
        }
    }

    private static IReadOnlyList<ServerAddress> ResolveHttpListeners(EffectiveConfiguration config, Checker check,
        IReadOnlyList<ConfiguredListener> listeners)
    {
        var result = new List<ServerAddress>();
        foreach (string item in config.Get(HttpListeners))
        {
            if (!ListenerEndpoint.TryParse(item, out ListenerEndpoint endpoint, out _)) continue;   // validated
            if (endpoint.Port != 0 && listeners.Any(l => l.Bind.Port == endpoint.Port))
                check.Fail(HttpListeners, $"uses port {Text(endpoint.Port)}, which listeners uses too");
            result.Add(new ServerAddress(endpoint.Host, endpoint.Port));
        }

        return result;
    }

    private static Dictionary<string, string> ParseProtocolMap(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in SplitList(text))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            map[entry[..colon].Trim().ToUpperInvariant()] = entry[(colon + 1)..].Trim();
        }

        return map;
    }

    private delegate bool TryParser<T>(string text, out T value);

    private static IReadOnlyList<T> ParseAll<T>(IReadOnlyList<string> items, TryParser<T> parse)
    {
        var result = new List<T>(items.Count);
        foreach (string item in items)
        {
            if (parse(item, out T value)) result.Add(value);
        }

        return result;
    }

    private static IReadOnlyList<string> SplitNames(string? text) =>
        text is null ? [] : [.. SplitList(text).Select(n => n.ToUpperInvariant())];

    private static string[] SplitList(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static TimeSpan Ms(long milliseconds) => EffectiveTopicConfig.Milliseconds(milliseconds);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>What <see cref="ResolveTopology"/> resolves.</summary>
    private sealed record Topology(int NodeId, ProcessRoles Roles, IReadOnlyList<string> ControllerListenerNames,
        IReadOnlyList<ConfiguredListener> Listeners, string? InterBrokerListenerName, IReadOnlyList<QuorumVoter> Voters,
        IReadOnlyList<ServerAddress> Bootstrap, IReadOnlyList<ServerAddress> HttpListeners);

    // Formats refusals as "samsa: key=value (from source) predicate".
    private sealed class Checker(EffectiveConfiguration config, List<string> errors)
    {
        public void Fail(ConfigDef definition, string predicate)
        {
            ConfigSetting setting = config[definition];
            errors.Add($"samsa: {definition.Name}={setting.DisplayValue} (from {setting.Origin}) {predicate}");
        }

        public void NotAbove(ConfigDef<int> lower, ConfigDef<int> upper)
        {
            if (config.Get(lower) > config.Get(upper)) Fail(lower, MustNotExceed(upper));
        }

        public void NotAbove(ConfigDef<long> lower, ConfigDef<long> upper)
        {
            if (config.Get(lower) > config.Get(upper)) Fail(lower, MustNotExceed(upper));
        }

        public void Below(ConfigDef<int> lower, ConfigDef<long> upper)
        {
            if (config.Get(lower) >= config.Get(upper))
                Fail(lower, $"must be below {upper.Name}={config[upper].DisplayValue} (from {config[upper].Origin})");
        }

        private string MustNotExceed(ConfigDef upper) =>
            $"must not exceed {upper.Name}={config[upper].DisplayValue} (from {config[upper].Origin})";
    }
}
