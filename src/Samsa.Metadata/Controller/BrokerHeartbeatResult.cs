namespace Samsa.Metadata.Controller;

/// <summary>The answer to a heartbeat.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed; null on success.</param>
/// <param name="IsCaughtUp">True once the broker has applied the metadata log up to its registration.</param>
/// <param name="IsFenced">True while the broker is fenced.</param>
/// <param name="ShouldShutDown">True when the broker asked to shut down and may now do so.</param>
public readonly record struct BrokerHeartbeatResult(ControllerStatus Status, string? Message, bool IsCaughtUp,
    bool IsFenced, bool ShouldShutDown);
