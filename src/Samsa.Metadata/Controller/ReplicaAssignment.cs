namespace Samsa.Metadata.Controller;

/// <summary>The replicas a client chose for one partition; the first is the preferred leader.</summary>
/// <param name="PartitionIndex">The partition.</param>
/// <param name="BrokerIds">The replicas.</param>
public sealed record ReplicaAssignment(int PartitionIndex, IReadOnlyList<int> BrokerIds);
