namespace Samsa.Metadata.Image;

/// <summary>The kinds of resource that carry dynamic configs, by Kafka's ConfigResource ids (as on the wire).</summary>
public enum ConfigResourceType : sbyte
{
    Unknown = 0,

    /// <summary>A topic, named by its topic name.</summary>
    Topic = 2,

    /// <summary>A broker, named by its id; the empty name is the cluster-wide default for every broker.</summary>
    Broker = 4,
}
