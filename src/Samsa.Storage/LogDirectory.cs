using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Storage.Checkpoints;
using Samsa.Storage.IO;

namespace Samsa.Storage;

/// <summary>
/// One directory of <c>log.dirs</c>: its partition directories, the per-directory checkpoints
/// (<c>recovery-point-offset-checkpoint</c>, <c>log-start-offset-checkpoint</c>), the clean-shutdown marker and its
/// online or offline state.
/// </summary>
/// <remarks>
/// Thread-safe. Logs report their recovery points and log start offsets here; the files are written on a clean
/// shutdown, when <see cref="WriteCheckpoints"/> is called by a background service, and at once when a
/// DeleteRecords or a full truncation moves a log start offset that the segments alone could not restore. The
/// first I/O error takes the directory offline for the life of the process (logged once): its partitions then
/// answer <see cref="AppendStatus.StorageError"/> and <see cref="ReadStatus.StorageError"/>.
/// </remarks>
public sealed class LogDirectory
{
    /// <summary>
    /// The clean-shutdown marker (Kafka's <c>.kafka_cleanshutdown</c>): present at start-up only if every log in
    /// the directory was flushed and closed, so loading may trust the indexes instead of scanning.
    /// </summary>
    public const string CleanShutdownFileName = ".samsa_cleanshutdown";

    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, long> _recoveryPoints;
    private readonly Dictionary<TopicPartition, long> _logStartOffsets;
    private readonly ILogger _logger;
    private int _offline;

    private LogDirectory(string path, bool hadCleanShutdown, Dictionary<TopicPartition, long> recoveryPoints,
        Dictionary<TopicPartition, long> logStartOffsets, ILogger logger)
    {
        Path = path;
        HadCleanShutdown = hadCleanShutdown;
        _recoveryPoints = recoveryPoints;
        _logStartOffsets = logStartOffsets;
        _logger = logger;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>True once an I/O error took the directory offline.</summary>
    public bool IsOffline => Volatile.Read(ref _offline) != 0;

    /// <summary>The clean-shutdown marker was present at open (and has been removed since).</summary>
    public bool HadCleanShutdown { get; }

    /// <summary>
    /// Opens (creating if needed) a log directory: reads and removes the clean-shutdown marker, so that a crash from
    /// now on is seen as one, and reads the checkpoints.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be created or read.</exception>
    public static LogDirectory Open(string path, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(full);
        string marker = System.IO.Path.Combine(full, CleanShutdownFileName);
        bool clean = File.Exists(marker);
        if (clean)
        {
            File.Delete(marker);
            FileSync.SyncDirectory(full);
        }
        return new LogDirectory(full, clean,
            ReadCheckpoint(System.IO.Path.Combine(full, OffsetCheckpointFile.RecoveryPoint), logger),
            ReadCheckpoint(System.IO.Path.Combine(full, OffsetCheckpointFile.LogStartOffset), logger), logger);
    }

    /// <summary>A directory that could not be opened: offline from the start, with nothing loaded.</summary>
    internal static LogDirectory CreateOffline(string path, ILogger logger) =>
        new(System.IO.Path.GetFullPath(path), hadCleanShutdown: false, [], [], logger);

    private static Dictionary<TopicPartition, long> ReadCheckpoint(string path, ILogger logger)
    {
        try
        {
            return OffsetCheckpointFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            // Losing these only costs time: recovery scans more, and log start offsets fall back to the segments.
            logger.IgnoredCheckpoint(path, e.Message);
            return [];
        }
    }

    /// <summary>The partition directories present on disk, by name.</summary>
    public IReadOnlyList<TopicPartition> FindPartitions()
    {
        var found = new List<TopicPartition>();
        foreach (string directory in Directory.EnumerateDirectories(Path))
        {
            if (TopicPartition.TryParseDirectoryName(System.IO.Path.GetFileName(directory), out TopicPartition tp))
                found.Add(tp);
        }
        return found;
    }

    internal long RecoveryPointOf(TopicPartition topicPartition)
    {
        lock (_lock)
            return _recoveryPoints.GetValueOrDefault(topicPartition, 0);
    }

    internal long LogStartOffsetOf(TopicPartition topicPartition)
    {
        lock (_lock)
            return _logStartOffsets.GetValueOrDefault(topicPartition, 0);
    }

    internal void SetRecoveryPoint(TopicPartition topicPartition, long offset)
    {
        lock (_lock)
            _recoveryPoints[topicPartition] = offset;
    }

    /// <summary>Records a log start offset; with <paramref name="persist"/> the checkpoint is written before return.</summary>
    /// <exception cref="IOException">Writing the checkpoint failed.</exception>
    internal void SetLogStartOffset(TopicPartition topicPartition, long offset, bool persist)
    {
        lock (_lock)
        {
            _logStartOffsets[topicPartition] = offset;
            if (persist)
                OffsetCheckpointFile.Write(System.IO.Path.Combine(Path, OffsetCheckpointFile.LogStartOffset),
                    _logStartOffsets);
        }
    }

    internal void Forget(TopicPartition topicPartition)
    {
        lock (_lock)
        {
            _recoveryPoints.Remove(topicPartition);
            _logStartOffsets.Remove(topicPartition);
        }
    }

    /// <summary>Writes both checkpoint files from what the logs reported; false (and offline) on an I/O error.</summary>
    public bool WriteCheckpoints()
    {
        if (IsOffline) return false;
        try
        {
            lock (_lock)
            {
                OffsetCheckpointFile.Write(System.IO.Path.Combine(Path, OffsetCheckpointFile.RecoveryPoint),
                    _recoveryPoints);
                OffsetCheckpointFile.Write(System.IO.Path.Combine(Path, OffsetCheckpointFile.LogStartOffset),
                    _logStartOffsets);
            }
            return true;
        }
        catch (IOException e)
        {
            MarkOffline("writing checkpoints", e);
            return false;
        }
    }

    /// <summary>
    /// Writes the checkpoints and then the clean-shutdown marker; call after every log in the directory closed.
    /// </summary>
    public void MarkCleanShutdown()
    {
        if (!WriteCheckpoints()) return;
        try
        {
            File.WriteAllBytes(System.IO.Path.Combine(Path, CleanShutdownFileName), []);
            FileSync.SyncDirectory(Path);
        }
        catch (IOException e)
        {
            MarkOffline("writing the clean-shutdown marker", e);
        }
    }

    /// <summary>Takes the directory offline; the first caller logs the error.</summary>
    internal void MarkOffline(string operation, Exception exception)
    {
        if (Interlocked.Exchange(ref _offline, 1) == 0) _logger.LogDirectoryOffline(exception, Path, operation);
    }

    public override string ToString() => Path;
}
