namespace Samsa.Metadata.Controller;

/// <summary>A topic to create (one entry of a CreateTopics request).</summary>
/// <param name="Name">The topic name.</param>
/// <param name="NumPartitions">The partitions, or -1 for <c>num.partitions</c> (or when assignments are given).</param>
/// <param name="ReplicationFactor">The replication factor, or -1 for <c>default.replication.factor</c> (or when
/// assignments are given).</param>
/// <param name="Assignments">The replicas of each partition, chosen by the client; null or empty to let the
/// controller place them.</param>
/// <param name="Configs">Topic configs to set; a name may appear once.</param>
public sealed record NewTopic(string Name, int NumPartitions = -1, short ReplicationFactor = -1,
    IReadOnlyList<ReplicaAssignment>? Assignments = null, IReadOnlyList<KeyValuePair<string, string?>>? Configs = null);
