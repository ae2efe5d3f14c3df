namespace Samsa.Metadata.Image;

/// <summary>A resource that carries dynamic configs.</summary>
/// <param name="Type">The kind of resource.</param>
/// <param name="Name">The topic name, the broker id, or <c>""</c> for the cluster-wide broker default.</param>
public readonly record struct ConfigResource(ConfigResourceType Type, string Name)
{
    /// <summary>The cluster-wide default of every broker (<c>--entity-default</c> in Kafka's tools).</summary>
    public static ConfigResource BrokerDefault => new(ConfigResourceType.Broker, "");

    public static ConfigResource ForTopic(string topic) => new(ConfigResourceType.Topic, topic);

    public bool IsBrokerDefault => Type == ConfigResourceType.Broker && Name.Length == 0;

    public override string ToString() => IsBrokerDefault ? "broker default" : $"{Type} {Name}";
}
