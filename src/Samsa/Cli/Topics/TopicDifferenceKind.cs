namespace Samsa.Cli.Topics;

/// <summary>What part of a topic differs from its declaration.</summary>
internal enum TopicDifferenceKind
{
    Partitions,
    ReplicationFactor,

    /// <summary>A config the file sets has another value on the cluster.</summary>
    Config,

    /// <summary>A config set on the topic (an override) that the file does not mention.</summary>
    UndeclaredConfig,
}
