namespace Samsa.Storage;

/// <summary>What a cleaning pass over one log did (<see cref="LogCleaner.Clean"/>).</summary>
public enum CleanStatus
{
    /// <summary>The pass ran: segments were rewritten and swapped in, and the cleaner checkpoint moved.</summary>
    Cleaned = 0,

    /// <summary>Not worth a pass yet: the dirty share is at or below <c>min.cleanable.dirty.ratio</c>, no segment
    /// is past <c>max.compaction.lag.ms</c>, and no delete horizon has passed.</summary>
    NotNeeded,

    /// <summary><c>cleanup.policy</c> does not include compact.</summary>
    NotCompacted,

    /// <summary>Another pass is running on this log.</summary>
    Busy,

    /// <summary>
    /// The log changed under the pass (a truncation, retention, a deleted or closed log): the segments swapped
    /// before that stay cleaned, the rest waits for the next pass.
    /// </summary>
    Aborted,

    /// <summary>A rolled segment holds bytes that are not valid batches: the log is left as it is.</summary>
    Corrupt,

    /// <summary>
    /// The disk filled while writing a cleaned segment: it was removed; segments swapped before stay cleaned, the rest
    /// waits for the next pass.
    /// </summary>
    DiskFull,

    /// <summary>The log directory is offline.</summary>
    StorageError,
}
