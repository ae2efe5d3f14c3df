namespace Samsa.Metadata.Controller;

/// <summary>A topic to grow (one entry of a CreatePartitions request).</summary>
/// <param name="Name">The topic name.</param>
/// <param name="Count">The total number of partitions it should have.</param>
/// <param name="Assignments">The replicas of each new partition, in order; null to let the controller place
/// them.</param>
public sealed record NewPartitions(string Name, int Count, IReadOnlyList<IReadOnlyList<int>>? Assignments = null);
