namespace Samsa.Metadata.Configs;

/// <summary>
/// Where a config value comes from, as DescribeConfigs reports it (<c>ConfigSource</c>), with Kafka's ids. The
/// broker-level sources are listed here in Kafka's order of precedence, highest first.
/// </summary>
public enum ConfigSource : sbyte
{
    Unknown = 0,

    /// <summary>A topic's own override (CreateTopics configs, AlterConfigs on the topic).</summary>
    DynamicTopicConfig = 1,

    /// <summary>Set for one broker through AlterConfigs on the broker resource <c>"&lt;id&gt;"</c>.</summary>
    DynamicBrokerConfig = 2,

    /// <summary>Set for every broker through AlterConfigs on the broker resource <c>""</c>.</summary>
    DynamicDefaultBrokerConfig = 3,

    /// <summary>What the node started with: properties file, env file, environment variables or flags.</summary>
    StaticBrokerConfig = 4,

    /// <summary>The definition's default.</summary>
    DefaultConfig = 5,
}
