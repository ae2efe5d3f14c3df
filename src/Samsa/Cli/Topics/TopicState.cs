namespace Samsa.Cli.Topics;

/// <summary>A topic as the cluster describes it.</summary>
/// <param name="Name">The topic's name.</param>
/// <param name="Partitions">How many partitions the metadata lists.</param>
/// <param name="ReplicationFactor">The most replicas any of its partitions has.</param>
/// <param name="Configs">Every topic config the cluster reported, by name; empty when configs were not asked.</param>
internal sealed record TopicState(string Name, int Partitions, int ReplicationFactor,
    IReadOnlyDictionary<string, TopicConfigValue> Configs);
