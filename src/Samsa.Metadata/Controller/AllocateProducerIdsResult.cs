namespace Samsa.Metadata.Controller;

/// <summary>The answer to AllocateProducerIds.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed; null on success.</param>
/// <param name="Block">The block, on success.</param>
public readonly record struct AllocateProducerIdsResult(ControllerStatus Status, string? Message,
    ProducerIdsBlock Block);
