namespace Samsa.Cli.Topics;

/// <summary>What one metadata round trip saw.</summary>
/// <param name="LiveBrokers">How many brokers the metadata lists (Kafka lists only live, unfenced ones).</param>
/// <param name="Topics">The asked-for topics that exist, by name.</param>
internal sealed record ClusterSnapshot(int LiveBrokers, IReadOnlyDictionary<string, TopicState> Topics);
