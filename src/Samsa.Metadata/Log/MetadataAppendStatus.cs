namespace Samsa.Metadata.Log;

/// <summary>The outcome of an append to the metadata log.</summary>
public enum MetadataAppendStatus
{
    /// <summary>Committed: durable (on a majority of voters, for a replicated log) and delivered to
    /// listeners.</summary>
    Ok = 0,

    /// <summary>This node does not lead the log in the epoch named (NOT_CONTROLLER for the client): nothing was
    /// written.</summary>
    NotLeader,

    /// <summary>The batch exceeds what one entry of the log may hold: nothing was written.</summary>
    BatchTooLarge,

    /// <summary>The log's storage failed; the log is offline until the process restarts.</summary>
    StorageError,
}
