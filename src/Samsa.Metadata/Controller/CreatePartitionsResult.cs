namespace Samsa.Metadata.Controller;

/// <summary>The outcome for one topic of a CreatePartitions request.</summary>
/// <param name="Name">The topic name.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed; null on success.</param>
public readonly record struct CreatePartitionsResult(string Name, ControllerStatus Status, string? Message);
