namespace Samsa.Metadata.Controller;

/// <summary>The answer to an ISR change.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed; null on success.</param>
/// <param name="Partition">The partition as it now is (on success, with the new ISR and partition epoch). An answer
/// that came over the wire (<see cref="Network.RemoteController"/>) carries what Kafka's AlterPartition response does,
/// the leader, its epoch, the ISR and the partition epoch, with no replicas or directories; and null on failure.
/// </param>
public readonly record struct AlterPartitionResult(ControllerStatus Status, string? Message,
    PartitionRegistration? Partition);
