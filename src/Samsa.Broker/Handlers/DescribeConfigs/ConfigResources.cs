using System.Globalization;
using Samsa.Metadata.Configs;

namespace Samsa.Broker.Handlers;

// What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: the checks Kafka's broker makes on a config
// resource before it describes it or forwards a change to the controller, and the broker-level values that topic
// configs fall back to.
internal static class ConfigResources
{
    /// <summary>
    /// The broker layers as of <paramref name="image"/>: this node's dynamic values, the cluster-wide dynamic
    /// defaults (both from the image) and the values the node started with.
    /// </summary>
    public static BrokerConfigValues BrokerLayers(MetadataImage image, BrokerOptions options) =>
        BrokerLayers(image, options.NodeId, options.Configs.Static);

    /// <summary>The broker layers of node <paramref name="nodeId"/> over the values it started with.</summary>
    public static BrokerConfigValues BrokerLayers(MetadataImage image, int nodeId,
        IReadOnlyDictionary<string, string> staticValues) => new(
        image.Configs.Get(ForBroker(nodeId)),
        image.Configs.Get(ConfigResource.BrokerDefault),
        staticValues);

    public static ConfigResource ForBroker(int nodeId) =>
        new(ConfigResourceType.Broker, nodeId.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Checks the name of a broker resource: <c>""</c> (the cluster-wide default) or this node's id, as Kafka's
    /// broker requires; any broker's id when <paramref name="nodeId"/> is -1 (the controller listener, which takes
    /// what brokers forward). On success <paramref name="resource"/> names it canonically (<c>"01"</c> becomes
    /// <c>"1"</c>), so the controller stores one resource per broker.
    /// </summary>
    public static bool TryCheckBroker(string? name, int nodeId, out ConfigResource resource, out string? message)
    {
        resource = ConfigResource.BrokerDefault;
        message = null;
        if (string.IsNullOrEmpty(name)) return true;
        if (!int.TryParse(name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int id))
        {
            message = $"Broker id must be an integer, but it is: {name}";
            return false;
        }
        if (nodeId >= 0 && id != nodeId)
        {
            message = $"Unexpected broker id, expected {nodeId} or empty string, but received {name}";
            return false;
        }
        resource = ForBroker(id);
        return true;
    }

    /// <summary>Kafka's name of a resource type id, for messages.</summary>
    public static string TypeName(sbyte type) => type switch
    {
        0 => "UNKNOWN",
        2 => "TOPIC",
        4 => "BROKER",
        8 => "BROKER_LOGGER",
        16 => "CLIENT_METRICS",
        32 => "GROUP",
        _ => type.ToString(CultureInfo.InvariantCulture),
    };
}
