namespace Samsa.Storage;

/// <summary>The outcome of a read.</summary>
public enum ReadStatus
{
    /// <summary>Read; the result may hold no bytes (at the log end, or nothing below the limit).</summary>
    Ok = 0,

    /// <summary>The offset is below the log start offset or above the log end offset.</summary>
    OffsetOutOfRange,

    /// <summary>The log directory is offline after an I/O error.</summary>
    StorageError,
}
