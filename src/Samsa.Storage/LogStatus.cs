namespace Samsa.Storage;

/// <summary>The outcome of an operation on a log other than append and read.</summary>
public enum LogStatus
{
    Ok = 0,

    /// <summary>The offset lies outside what the operation accepts (above the log end offset, or negative).</summary>
    OffsetOutOfRange,

    /// <summary>The disk is full; nothing changed.</summary>
    DiskFull,

    /// <summary>The log directory is offline after an I/O error.</summary>
    StorageError,
}
