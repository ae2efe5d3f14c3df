namespace Samsa.Metadata.Configs;

/// <summary>
/// The broker-level values a topic's configs fall back to, by layer, as text keyed by broker key name: this broker's
/// dynamic values (AlterConfigs on broker <c>"&lt;id&gt;"</c>), the cluster-wide dynamic defaults (broker
/// <c>""</c>), and the values the node started with. A key absent from every layer has its definition's default.
/// </summary>
/// <remarks>Immutable once built; the dictionaries are not copied, so do not change them afterwards.</remarks>
public sealed class BrokerConfigValues
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public BrokerConfigValues(IReadOnlyDictionary<string, string>? dynamicBroker = null,
        IReadOnlyDictionary<string, string>? dynamicDefault = null,
        IReadOnlyDictionary<string, string>? staticValues = null)
    {
        DynamicBroker = dynamicBroker ?? None;
        DynamicDefault = dynamicDefault ?? None;
        Static = staticValues ?? None;
    }

    /// <summary>No values anywhere: every key has its default.</summary>
    public static BrokerConfigValues Defaults { get; } = new();

    /// <summary>This broker's dynamic values (<see cref="ConfigSource.DynamicBrokerConfig"/>).</summary>
    public IReadOnlyDictionary<string, string> DynamicBroker { get; }

    /// <summary>The cluster-wide dynamic defaults (<see cref="ConfigSource.DynamicDefaultBrokerConfig"/>).</summary>
    public IReadOnlyDictionary<string, string> DynamicDefault { get; }

    /// <summary>What the node was started with (<see cref="ConfigSource.StaticBrokerConfig"/>).</summary>
    public IReadOnlyDictionary<string, string> Static { get; }
}
