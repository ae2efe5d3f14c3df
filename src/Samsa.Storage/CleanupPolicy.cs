namespace Samsa.Storage;

/// <summary>
/// <c>cleanup.policy</c>: what happens to old segments. Kafka's list <c>compact,delete</c> is both flags.
/// </summary>
[Flags]
public enum CleanupPolicy
{
    /// <summary>Neither: segments stay until DeleteRecords moves the log start offset past them.</summary>
    None = 0,

    /// <summary><c>delete</c>: whole segments go by <c>retention.ms</c> and <c>retention.bytes</c>.</summary>
    Delete = 1,

    /// <summary><c>compact</c>: the cleaner keeps the latest record of each key (<see cref="LogCleaner"/>).</summary>
    Compact = 2,
}
