namespace Samsa.Metadata.Configs;

// Who this node is and which cluster and quorum it belongs to.
public static partial class BrokerConfigs
{
    public static readonly ConfigDef<IReadOnlyList<string>> ProcessRoles = ConfigDef.List("process.roles",
        defaultValue: ["broker", "controller"], validValues: ["broker", "controller"],
        importance: ConfigImportance.High,
        doc: "What this node does: broker (serves clients and holds partitions), controller (a voter of the "
            + "metadata quorum), or both. Kafka has no default here; Samsa defaults to both, so one node with no "
            + "configuration is a complete cluster.");

    public static readonly ConfigDef<int?> NodeId = ConfigDef.OptionalInt("node.id", min: 0,
        importance: ConfigImportance.High,
        doc: "This node's id, unique in the cluster and the same across restarts; it is written to each log "
            + "directory's meta.properties. Required.");

    public static readonly ConfigDef<int?> BrokerId = ConfigDef.OptionalInt("broker.id", min: 0,
        importance: ConfigImportance.High,
        doc: "Kafka's older name for node.id, read so that existing configurations keep working. When both are "
            + "set they must be equal.");

    public static readonly ConfigDef<string?> ClusterId = ConfigDef.OptionalString("cluster.id",
        validate: ValidateClusterId, validValuesText: "1 to 64 letters, digits, '-' or '_'", samsa: true,
        importance: ConfigImportance.High,
        doc: "The id of the cluster this node belongs to (Kafka passes it to kafka-storage.sh format instead; its "
            + "image reads CLUSTER_ID, which Samsa reads too). Empty log directories are stamped with it; a log "
            + "directory stamped with another id stops start-up. Unset: the id already in the log directories, "
            + "or a new random one when they are empty, which suits a single node. Give every node of a "
            + "multi-node cluster the same value.");

    public static readonly ConfigDef<IReadOnlyList<string>> ControllerQuorumVoters = ConfigDef.List(
        "controller.quorum.voters", defaultValue: [], validateItem: ValidateVoter,
        validValuesText: "{id}@{host}:{port},...", importance: ConfigImportance.High,
        doc: "The voters of the controller quorum as {id}@{host}:{port} entries, each address being that "
            + "controller's listener named in controller.listener.names. Every node of a cluster lists the same "
            + "voters. Empty on a node that is both broker and controller: it is a quorum of one.");

    public static readonly ConfigDef<IReadOnlyList<string>> ControllerQuorumBootstrapServers = ConfigDef.List(
        "controller.quorum.bootstrap.servers", defaultValue: [], validateItem: ValidateServer,
        validValuesText: "{host}:{port},...", importance: ConfigImportance.High,
        doc: "Controller addresses ({host}:{port}) a node contacts to find the quorum when it does not list the "
            + "voters itself.");

    public static readonly ConfigDef<int> BrokerHeartbeatIntervalMs = ConfigDef.Int("broker.heartbeat.interval.ms",
        defaultValue: 2000, min: 1, importance: ConfigImportance.Medium,
        doc: "How often a broker heartbeats to the controller, keeping its session alive and reporting how far it "
            + "has applied the metadata log.");

    public static readonly ConfigDef<int> BrokerSessionTimeoutMs = ConfigDef.Int("broker.session.timeout.ms",
        defaultValue: 9000, min: 1, importance: ConfigImportance.Medium,
        doc: "How long the controller waits for a broker's heartbeat before it fences the broker: clients stop "
            + "seeing it and its partitions lose it as leader. At least broker.heartbeat.interval.ms.");

    public static readonly ConfigDef<string?> ControllerListenerNames = ConfigDef.OptionalString(
        "controller.listener.names", validate: ValidateListenerNames, validValuesText: "listener names",
        importance: ConfigImportance.High,
        doc: "Names of the listeners the controller quorum uses, comma-separated. On a controller they must be in "
            + "listeners, and brokers register and heartbeat there (BrokerRegistration, BrokerHeartbeat); they are "
            + "never advertised to clients. Unset: a controller without a listener of its own (a quorum of one).");

    private static string? ValidateClusterId(string text)
    {
        if (text.Length is 0 or > 64) return "must be 1 to 64 letters, digits, '-' or '_'";
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
                return "must be 1 to 64 letters, digits, '-' or '_'";
        }

        return null;
    }

    private static string? ValidateVoter(string item) =>
        QuorumVoter.TryParse(item, out _) ? null : $"has {item}, which is not {{id}}@{{host}}:{{port}}";

    private static string? ValidateServer(string item) =>
        ServerAddress.TryParse(item, allowEmptyHost: false, out _)
            ? null
            : $"has {item}, which is not {{host}}:{{port}}";

    private static string? ValidateListenerNames(string text)
    {
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (name.Length == 0) return "must not have an empty entry";
            if (!ListenerEndpoint.IsName(name)) return $"has {name}, which is not a listener name";
        }

        return null;
    }
}
