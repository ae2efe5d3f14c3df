namespace Samsa.Metadata.Configs;

// Where the node listens, what it tells clients, and its HTTP endpoints.
public static partial class BrokerConfigs
{
    /// <summary>The protocols Kafka knows; Samsa serves PLAINTEXT only so far.</summary>
    public static readonly IReadOnlyList<string> SecurityProtocols = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

    public static readonly ConfigDef<string> Listeners = ConfigDef.String("listeners",
        defaultValue: "PLAINTEXT://:9092", validate: ValidateListeners, validValuesText: "NAME://HOST:PORT,...",
        importance: ConfigImportance.High,
        doc: "Where this node accepts connections, as NAME://HOST:PORT entries: an empty host or 0.0.0.0 binds "
            + "every interface, port 0 takes a free port. A name that is not a security protocol needs an entry "
            + "in listener.security.protocol.map. Names and ports must be unique.");

    public static readonly ConfigDef<string?> AdvertisedListeners = ConfigDef.OptionalString("advertised.listeners",
        validate: ValidateAdvertisedListeners, validValuesText: "NAME://HOST:PORT,...",
        importance: ConfigImportance.High,
        doc: "The addresses given to clients and other brokers in metadata, when they differ from listeners (a "
            + "container reached through a mapped port, a host name behind NAT). Each name must be one of "
            + "listeners. Unset: each broker listener advertises its own address, with a wildcard host replaced "
            + "by this machine's host name. Start-up logs what is advertised and warns when a loopback address is "
            + "advertised by a node that binds other interfaces.");

    public static readonly ConfigDef<string> ListenerSecurityProtocolMap = ConfigDef.String(
        "listener.security.protocol.map",
        defaultValue: "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT",
        validate: ValidateProtocolMap, validValuesText: "NAME:PROTOCOL,...", importance: ConfigImportance.Low,
        doc: "The security protocol of each listener name, as NAME:PROTOCOL entries. Samsa serves PLAINTEXT "
            + "only: a listener mapped to SSL or SASL stops start-up. Controller listeners not in the map are "
            + "PLAINTEXT unless the map is set.");

    public static readonly ConfigDef<string?> InterBrokerListenerName = ConfigDef.OptionalString(
        "inter.broker.listener.name", validate: ValidateListenerName, validValuesText: "a listener name",
        importance: ConfigImportance.Medium,
        doc: "The listener followers use to fetch from leaders; it must be one of the advertised listeners. Unset: "
            + "the first broker listener.");

    public static readonly ConfigDef<IReadOnlyList<string>> HttpListeners = ConfigDef.List("http.listeners",
        defaultValue: ["http://:9308"], validateItem: ValidateHttpListener, validValuesText: "http://HOST:PORT,...",
        samsa: true, importance: ConfigImportance.Medium,
        doc: "Where the HTTP endpoints are served: /health/live and /health/ready (Prometheus metrics on /metrics "
            + "come later). Empty turns them off. 9308 is the port of the usual Kafka Prometheus exporter, where "
            + "the metrics will be served too.");

    private static string? ValidateListeners(string text) =>
        ListenerEndpoint.TryParseList(text, requireDistinctPorts: true, out _, out string? error) ? null : error;

    private static string? ValidateAdvertisedListeners(string text)
    {
        if (!ListenerEndpoint.TryParseList(text, requireDistinctPorts: false, out IReadOnlyList<ListenerEndpoint> list,
                out string? error))
            return error;
        foreach (ListenerEndpoint endpoint in list)
        {
            if (endpoint.Host is "0.0.0.0" or "::")
                return $"advertises {endpoint.Host} for {endpoint.Name}, an address no client can connect to";
        }

        return null;
    }

    private static string? ValidateListenerName(string text) =>
        ListenerEndpoint.IsName(text) ? null : "must be a listener name";

    private static string? ValidateProtocolMap(string text)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string entry in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !ListenerEndpoint.IsName(entry.AsSpan(0, colon)))
                return $"has {entry}, which is not NAME:PROTOCOL";
            string protocol = entry[(colon + 1)..].Trim();
            bool known = false;
            foreach (string candidate in SecurityProtocols) known |= candidate == protocol;
            if (!known) return $"has {entry}, whose protocol is not one of {string.Join(", ", SecurityProtocols)}";
            if (!names.Add(entry[..colon].Trim())) return $"maps {entry[..colon].Trim()} twice";
        }

        return null;
    }

    private static string? ValidateHttpListener(string item) =>
        ListenerEndpoint.TryParse(item, out ListenerEndpoint endpoint, out _) && endpoint.Name == "HTTP"
            ? null
            : $"has {item}, which is not http://HOST:PORT";
}
