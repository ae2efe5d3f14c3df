namespace Samsa.Metadata.Controller;

/// <summary>The answer to a registration.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed; null on success.</param>
/// <param name="BrokerEpoch">The epoch of the new registration (its heartbeats carry it); -1 on failure.</param>
public readonly record struct BrokerRegistrationResult(ControllerStatus Status, string? Message, long BrokerEpoch);
