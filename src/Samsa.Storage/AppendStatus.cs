namespace Samsa.Storage;

/// <summary>The outcome of an append; the broker maps it to a Kafka error code at the protocol edge.</summary>
public enum AppendStatus
{
    /// <summary>Written (and, in fsync mode, synced).</summary>
    Ok = 0,

    /// <summary>The bytes are not whole v2 batches (the caller validates first; this is the last guard).</summary>
    InvalidRecords,

    /// <summary>The records are larger than <c>segment.bytes</c>, so no segment can hold them.</summary>
    RecordBatchTooLarge,

    /// <summary>A follower's batch starts below the log end offset.</summary>
    OffsetOutOfOrder,

    /// <summary>
    /// An idempotent producer's batch does not follow its last one, or a new epoch does not start at sequence 0
    /// (OUT_OF_ORDER_SEQUENCE_NUMBER).
    /// </summary>
    OutOfOrderSequence,

    /// <summary>The batch's producer epoch is older than the producer's current one (INVALID_PRODUCER_EPOCH).</summary>
    InvalidProducerEpoch,

    /// <summary>
    /// The disk (or quota) is full. Nothing of the append remains; the log stays online and readable, and a later
    /// append succeeds once space is freed.
    /// </summary>
    DiskFull,

    /// <summary>The log directory is offline after an I/O error (KAFKA_STORAGE_ERROR).</summary>
    StorageError,
}
