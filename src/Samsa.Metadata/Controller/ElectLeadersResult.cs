namespace Samsa.Metadata.Controller;

/// <summary>The answer to an ElectLeaders request.</summary>
/// <param name="Status">The outcome of the request as a whole: not Ok when none of it was carried out (this node is
/// not the controller, no controller could be reached, the metadata log refused the batch).</param>
/// <param name="Message">Why it failed; null on success.</param>
/// <param name="Partitions">Each partition's outcome, in request order; for a request of every partition, those
/// whose election was needed. Empty when <paramref name="Status"/> is not Ok.</param>
public readonly record struct ElectLeadersResult(ControllerStatus Status, string? Message,
    IReadOnlyList<PartitionElectionResult> Partitions);
