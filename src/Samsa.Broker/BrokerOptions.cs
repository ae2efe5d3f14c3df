using Samsa.Broker.Groups;
using Samsa.Broker.Network;
using Samsa.Metadata.Configs;

namespace Samsa.Broker;

/// <summary>What the broker layer needs from the configuration, typed and immutable.</summary>
public sealed record BrokerOptions
{
    public required int NodeId { get; init; }

    /// <summary>The listener clients connect to, by name (<c>PLAINTEXT</c>): metadata answers with this listener's endpoints.</summary>
    public string ListenerName { get; init; } = "PLAINTEXT";

    public int SocketRequestMaxBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>queued.max.request.bytes; -1 for unbounded.</summary>
    public long QueuedMaxRequestBytes { get; init; } = -1;

    public TimeSpan ConnectionsMaxIdle { get; init; } = TimeSpan.FromMinutes(10);

    public bool AutoCreateTopicsEnable { get; init; } = true;

    /// <summary>The broker's static and dynamic config values, for topic defaults and DescribeConfigs.</summary>
    public required BrokerConfigValues Configs { get; init; }

    /// <summary>The group coordinator's settings (offsets.topic.*, group.*).</summary>
    public GroupCoordinatorOptions Groups { get; init; } = new();

    internal ConnectionOptions Connection => new(SocketRequestMaxBytes, 100, ConnectionsMaxIdle);
}
