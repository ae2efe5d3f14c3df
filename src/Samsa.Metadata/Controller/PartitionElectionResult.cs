namespace Samsa.Metadata.Controller;

/// <summary>One partition's outcome in an ElectLeaders request.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="Status">Ok (elected), or why not: <see cref="ControllerStatus.ElectionNotNeeded"/>,
/// <see cref="ControllerStatus.PreferredLeaderNotAvailable"/>,
/// <see cref="ControllerStatus.EligibleLeadersNotAvailable"/>, <see cref="ControllerStatus.UnknownTopicOrPartition"/>.
/// </param>
/// <param name="Message">Why it was not elected; null when it was.</param>
public readonly record struct PartitionElectionResult(string Topic, int Partition, ControllerStatus Status,
    string? Message);
