using Microsoft.Extensions.Logging;

namespace Samsa.Storage;

// Storage's log messages: event ids 2000-2999. Names stay fixed across messages ({Topic}, {Partition}, {Offset}).
internal static partial class StorageLog
{
    [LoggerMessage(2001, LogLevel.Warning,
        "Truncated {Topic}-{Partition} to offset {Offset} after a torn write: cut {Bytes} bytes from {Segment} "
        + "({Reason})")]
    public static partial void TruncatedTornTail(this ILogger logger, string topic, int partition, long offset,
        long bytes, string segment, string reason);

    [LoggerMessage(2002, LogLevel.Information,
        "Recovered {Topic}-{Partition}: scanned {Segments} segments from offset {RecoveryPoint}, "
        + "log end offset {Offset}")]
    public static partial void RecoveredLog(this ILogger logger, string topic, int partition, int segments,
        long recoveryPoint, long offset);

    [LoggerMessage(2003, LogLevel.Warning, "Rebuilt the indexes of {Segment} of {Topic}-{Partition}: {Reason}")]
    public static partial void RebuiltIndex(this ILogger logger, string segment, string topic, int partition,
        string reason);

    [LoggerMessage(2004, LogLevel.Error,
        "Log directory {LogDir} is offline after an I/O error while {Operation}; its partitions report storage errors")]
    public static partial void LogDirectoryOffline(this ILogger logger, Exception exception, string logDir,
        string operation);

    [LoggerMessage(2005, LogLevel.Information,
        "Loaded {Count} partition logs from {LogDir} in {ElapsedMs} ms (clean shutdown: {CleanShutdown})")]
    public static partial void LoadedLogs(this ILogger logger, int count, string logDir, long elapsedMs,
        bool cleanShutdown);

    [LoggerMessage(2006, LogLevel.Warning,
        "Append to {Topic}-{Partition} failed: the disk under {Segment} is full; the log stays readable")]
    public static partial void DiskFull(this ILogger logger, string topic, int partition, string segment);

    [LoggerMessage(2007, LogLevel.Debug, "Rolled {Topic}-{Partition} to a new segment at offset {Offset}")]
    public static partial void RolledSegment(this ILogger logger, string topic, int partition, long offset);

    [LoggerMessage(2008, LogLevel.Information,
        "Deleted {Count} segments of {Topic}-{Partition} ({Reason}); log start offset is now {Offset}")]
    public static partial void DeletedSegments(this ILogger logger, int count, string topic, int partition,
        string reason, long offset);

    [LoggerMessage(2009, LogLevel.Information, "Created log {Topic}-{Partition} in {LogDir}")]
    public static partial void CreatedLog(this ILogger logger, string topic, int partition, string logDir);

    [LoggerMessage(2010, LogLevel.Information, "Deleted log {Topic}-{Partition} from {LogDir}")]
    public static partial void DeletedLog(this ILogger logger, string topic, int partition, string logDir);

    [LoggerMessage(2011, LogLevel.Warning,
        "Rebuilt the leader epoch checkpoint of {Topic}-{Partition} from the log: it was missing or unreadable")]
    public static partial void RebuiltLeaderEpochs(this ILogger logger, string topic, int partition);

    [LoggerMessage(2012, LogLevel.Information, "Truncated {Topic}-{Partition} to offset {Offset}")]
    public static partial void TruncatedLog(this ILogger logger, string topic, int partition, long offset);

    [LoggerMessage(2013, LogLevel.Warning,
        "Deleted {Count} segments of {Topic}-{Partition} after offset {Offset}: they follow a corrupt segment")]
    public static partial void DeletedSegmentsAfterCorruption(this ILogger logger, int count, string topic,
        int partition, long offset);

    [LoggerMessage(2014, LogLevel.Warning, "Checkpoint {Path} is unreadable and was ignored: {Reason}")]
    public static partial void IgnoredCheckpoint(this ILogger logger, string path, string reason);

    [LoggerMessage(2015, LogLevel.Information,
        "Moved the log start offset of {Topic}-{Partition} to {Offset} (DeleteRecords)")]
    public static partial void MovedLogStartOffset(this ILogger logger, string topic, int partition, long offset);

    [LoggerMessage(2016, LogLevel.Warning, "Removed stray file {Path}: {Reason}")]
    public static partial void RemovedStrayFile(this ILogger logger, string path, string reason);

    [LoggerMessage(2017, LogLevel.Error,
        "A handler of log directory {LogDir} going offline threw; the directory is offline all the same")]
    public static partial void OfflineHandlerFailed(this ILogger logger, Exception exception, string logDir);

    [LoggerMessage(2018, LogLevel.Information,
        "Cleaned {Topic}-{Partition}: rewrote {Segments} segments, {BytesRead} bytes to {BytesWritten}, "
        + "removed {Records} records; offsets {FirstDirtyOffset} to {Offset} were dirty ({ElapsedMs} ms)")]
    public static partial void CleanedLog(this ILogger logger, string topic, int partition, int segments,
        long bytesRead, long bytesWritten, long records, long firstDirtyOffset, long offset, long elapsedMs);

    [LoggerMessage(2019, LogLevel.Warning,
        "The cleaner found {Segment} of {Topic}-{Partition} corrupt and left the log as it is: {Reason}")]
    public static partial void CleanerFoundCorruption(this ILogger logger, string topic, int partition,
        string segment, string reason);

    [LoggerMessage(2020, LogLevel.Warning,
        "The cleaner dropped {Count} records without a key from compacted {Topic}-{Partition}")]
    public static partial void DroppedNullKeys(this ILogger logger, long count, string topic, int partition);

    [LoggerMessage(2021, LogLevel.Warning,
        "The cleaner kept the batch at offset {Offset} of {Topic}-{Partition} whole: its records do not decode "
        + "({Reason})")]
    public static partial void KeptUndecodableBatch(this ILogger logger, string topic, int partition, long offset,
        string reason);

    [LoggerMessage(2022, LogLevel.Warning,
        "The disk filled while cleaning {Topic}-{Partition}: the pass's output was removed and the log is unchanged")]
    public static partial void CleanerDiskFull(this ILogger logger, string topic, int partition);

    [LoggerMessage(2023, LogLevel.Error,
        "The batch at offset {Offset} of {Topic}-{Partition} holds {Records} records, more than the cleaner's key "
        + "map takes ({MaxEntries}); raise log.cleaner.dedupe.buffer.size")]
    public static partial void BatchTooLargeForMap(this ILogger logger, string topic, int partition, long offset,
        int records, int maxEntries);

    [LoggerMessage(2024, LogLevel.Error, "A log cleaner pass failed; the cleaner backs off and goes on")]
    public static partial void CleanerPassFailed(this ILogger logger, Exception exception);

    [LoggerMessage(2025, LogLevel.Warning,
        "Producer snapshot {Path} of {Topic}-{Partition} is unreadable and was deleted: {Reason}")]
    public static partial void DeletedCorruptProducerSnapshot(this ILogger logger, string path, string topic,
        int partition, string reason);

    [LoggerMessage(2026, LogLevel.Warning,
        "Could not write producer snapshot {Path} of {Topic}-{Partition}; a restart replays more of the log: {Reason}")]
    public static partial void ProducerSnapshotFailed(this ILogger logger, string path, string topic, int partition,
        string reason);

    [LoggerMessage(2027, LogLevel.Information,
        "Loaded {Count} producers of {Topic}-{Partition} from snapshot {Offset} and {Batches} batches after it")]
    public static partial void LoadedProducerState(this ILogger logger, int count, string topic, int partition,
        long offset, int batches);
}
