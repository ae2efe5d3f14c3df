using System.Globalization;

namespace Samsa.Cli.Dev;

/// <summary>
/// What <c>samsa dev</c> sets unless the user does: node 1, the Kafka listener on <c>127.0.0.1:9092</c> and the
/// data under <c>./data/dev</c>. They rank below every real source (a properties file, an env file, a variable, a
/// flag), so each stays overridable; messages name their source <c>samsa dev</c>.
/// </summary>
internal static class DevDefaults
{
    public const string Origin = "samsa dev";
    public const string Listeners = "PLAINTEXT://127.0.0.1:9092";

    /// <summary>The default data folder, relative to the working directory.</summary>
    public static string DataDirectory => Path.GetFullPath(Path.Combine("data", "dev"));

    /// <summary>
    /// <paramref name="sources"/> with a flag for each dev default that no source sets, placed before the user's
    /// flags; <paramref name="usesDefaultDataDirectory"/> tells whether the data goes to <see cref="DataDirectory"/>.
    /// </summary>
    public static ConfigSources Apply(ConfigSources sources, out bool usesDefaultDataDirectory)
    {
        // A first pass finds what the sources set; a source that does not parse is reported by the real load.
        EffectiveConfiguration? configured = ConfigLoader.LoadValues(sources, BrokerConfigs.All, [], []);
        var defaults = new List<ConfigFlag>();
        usesDefaultDataDirectory = false;
        if (IsUnset(configured, BrokerConfigs.NodeId) && IsUnset(configured, BrokerConfigs.BrokerId))
            defaults.Add(new ConfigFlag("node.id", "1", Origin));
        if (IsUnset(configured, BrokerConfigs.Listeners)) defaults.Add(new ConfigFlag("listeners", Listeners, Origin));
        if (IsUnset(configured, BrokerConfigs.LogDirs) && IsUnset(configured, BrokerConfigs.LogDir))
        {
            defaults.Add(new ConfigFlag("log.dirs", DataDirectory, Origin));
            usesDefaultDataDirectory = true;
        }

        return sources with { Flags = [.. defaults, .. sources.Flags] };
    }

    /// <summary>The most brokers <c>samsa dev --brokers</c> runs.</summary>
    public const int MaxBrokers = 9;

    /// <summary>The keys <c>--brokers</c> sets per node, which the user may not set for all of them.</summary>
    private static readonly ConfigDef[] PerNodeKeys =
    [
        BrokerConfigs.NodeId, BrokerConfigs.BrokerId, BrokerConfigs.ProcessRoles, BrokerConfigs.Listeners,
        BrokerConfigs.AdvertisedListeners, BrokerConfigs.ControllerQuorumVoters, BrokerConfigs.ControllerListenerNames,
        BrokerConfigs.HttpListeners,
    ];

    /// <summary>
    /// <paramref name="sources"/> for node <paramref name="nodeId"/> of a dev cluster of <paramref name="brokers"/>:
    /// node 1 broker and controller (<c>127.0.0.1:9092</c>, controller listener <c>127.0.0.1:9093</c>), node k a broker
    /// on <c>127.0.0.1:9092 + 2(k - 1)</c>, HTTP on <c>9308 + k - 1</c>, data under <c>./data/dev/node-k</c> (or
    /// <c>log.dirs</c>/node-k). Null, with <paramref name="error"/>, when the user set a key that differs per node.
    /// </summary>
    public static ConfigSources? ApplyNode(ConfigSources sources, int nodeId, int brokers,
        out bool usesDefaultDataDirectory, out string? error)
    {
        EffectiveConfiguration? configured = ConfigLoader.LoadValues(sources, BrokerConfigs.All, [], []);
        usesDefaultDataDirectory = false;
        error = null;
        ConfigDef? clash = PerNodeKeys.FirstOrDefault(key => !IsUnset(configured, key));
        if (clash is not null)
        {
            error = $"samsa: --brokers {brokers} sets {clash.Name} for each node; leave it unset";
            return null;
        }
        string dataBase = DataDirectory;
        if (configured is not null && !IsUnset(configured, BrokerConfigs.LogDirs))
            dataBase = configured[BrokerConfigs.LogDirs].Value ?? DataDirectory;
        else if (configured is not null && !IsUnset(configured, BrokerConfigs.LogDir))
            dataBase = configured[BrokerConfigs.LogDir].Value ?? DataDirectory;
        else usesDefaultDataDirectory = true;
        string id = nodeId.ToString(CultureInfo.InvariantCulture);
        int port = 9092 + 2 * (nodeId - 1);
        List<ConfigFlag> node =
        [
            new("node.id", id, Origin),
            new("process.roles", nodeId == 1 ? "broker,controller" : "broker", Origin),
            new("listeners", nodeId == 1
                ? "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
                : $"PLAINTEXT://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", Origin),
            new("controller.listener.names", "CONTROLLER", Origin),
            new("controller.quorum.voters", "1@127.0.0.1:9093", Origin),
            new("http.listeners", $"http://:{(9308 + nodeId - 1).ToString(CultureInfo.InvariantCulture)}", Origin),
        ];
        // Every node gets its own folder under the one given (or ./data/dev); after the user's flags, so it wins.
        string dirs = string.Join(',', dataBase
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(dir => Path.Combine(Path.GetFullPath(dir), "node-" + id)));
        node.Add(new ConfigFlag("log.dirs", dirs, Origin));
        return sources with { Flags = [.. sources.Flags, .. node] };
    }

    private static bool IsUnset(EffectiveConfiguration? configured, ConfigDef definition) =>
        configured is null || configured[definition].IsDefault;
}
