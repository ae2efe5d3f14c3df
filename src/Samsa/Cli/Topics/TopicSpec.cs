namespace Samsa.Cli.Topics;

/// <summary>One topic as <c>topics.yaml</c> declares it, with the file's defaults already applied.</summary>
/// <param name="Name">The topic's name.</param>
/// <param name="Partitions">How many partitions it has.</param>
/// <param name="ReplicationFactor">How many replicas each partition has.</param>
/// <param name="Configs">Topic configs by name (Kafka's names: <c>retention.ms</c>), values as written.</param>
/// <param name="Line">The line of the file that declares it; 0 when it did not come from a file.</param>
internal sealed record TopicSpec(string Name, int Partitions, short ReplicationFactor,
    IReadOnlyDictionary<string, string> Configs, int Line = 0);
