namespace Samsa.Metadata.Configs;

/// <summary>
/// The type of a config as DescribeConfigs reports it (v3+ <c>ConfigType</c>), with Kafka's ids.
/// </summary>
public enum ConfigType : sbyte
{
    Unknown = 0,
    Boolean = 1,
    String = 2,
    Int = 3,
    Short = 4,
    Long = 5,
    Double = 6,
    List = 7,
    Class = 8,
    Password = 9,
}
