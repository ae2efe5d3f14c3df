namespace Samsa.Storage;

/// <summary>When an append counts as done: <c>log.flush.mode</c>.</summary>
public enum LogFlushMode
{
    /// <summary>
    /// Once the bytes are in the operating system's page cache (Kafka's default): durability comes from the
    /// in-sync replicas, and a power cut can lose what no other replica holds.
    /// </summary>
    Replicated = 0,

    /// <summary>
    /// Once an fdatasync covering the bytes has returned. Concurrent appends to a partition share one sync (group
    /// commit), so the cost is one disk flush per burst rather than per batch.
    /// </summary>
    Fsync = 1,
}
