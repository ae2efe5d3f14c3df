using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Storage.Checkpoints;

namespace Samsa.Storage;

/// <summary>
/// One directory of <c>log.dirs</c>: its partition directories, the per-directory checkpoints
/// (<c>recovery-point-offset-checkpoint</c>, <c>log-start-offset-checkpoint</c>, <c>cleaner-offset-checkpoint</c>),
/// the clean-shutdown marker and its online or offline state.
/// </summary>
/// <remarks>
/// Thread-safe. Logs report their recovery points and log start offsets here; the files are written on a clean
/// shutdown, when <see cref="WriteCheckpoints"/> is called by a background service, and at once when a
/// DeleteRecords or a full truncation moves a log start offset that the segments alone could not restore. The
/// first I/O error takes the directory offline for the life of the process (logged once): its partitions then
/// answer <see cref="AppendStatus.StorageError"/> and <see cref="ReadStatus.StorageError"/>, and
/// <see cref="WentOffline"/> tells the broker so.
/// </remarks>
public sealed class LogDirectory
{
    /// <summary>
    /// The clean-shutdown marker (Kafka's <c>.kafka_cleanshutdown</c>): present at start-up only if every log in
    /// the directory was flushed and closed, so loading may trust the indexes instead of scanning. It holds
    /// <c>brokerEpoch=N</c>, the broker epoch the node had when it stopped (KIP-966's previous broker epoch), or
    /// nothing when the node had none.
    /// </summary>
    public const string CleanShutdownFileName = ".samsa_cleanshutdown";

    /// <summary>
    /// The metadata log's directory (<c>__cluster_metadata-0</c>, where Samsa.Metadata keeps its journal): it looks
    /// like a partition but is not one, so partition discovery skips it, as Kafka's log manager does.
    /// </summary>
    public const string MetadataLogDirectoryName = "__cluster_metadata-0";

    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, long> _recoveryPoints;
    private readonly Dictionary<TopicPartition, long> _logStartOffsets;
    private readonly Dictionary<TopicPartition, long> _cleanerOffsets;
    private readonly Lock _cleanerLock = new();
    private readonly ILogger _logger;
    private int _offline;

    private const string BrokerEpochKey = "brokerEpoch=";

    private LogDirectory(string path, bool hadCleanShutdown, Dictionary<TopicPartition, long> recoveryPoints,
        Dictionary<TopicPartition, long> logStartOffsets, Dictionary<TopicPartition, long> cleanerOffsets,
        ILogger logger)
    {
        Path = path;
        HadCleanShutdown = hadCleanShutdown;
        _recoveryPoints = recoveryPoints;
        _logStartOffsets = logStartOffsets;
        _cleanerOffsets = cleanerOffsets;
        _logger = logger;
    }

    /// <summary>
    /// Raised once, when the first I/O error takes the directory offline, so the broker can stop leading its
    /// partitions without polling <see cref="IsOffline"/>.
    /// </summary>
    /// <remarks>
    /// Runs on the thread that met the error, which may hold a partition's lock: a handler must return quickly and
    /// must not call into the logs (hand the news to the broker's own loop). A handler's exception is logged and
    /// swallowed. A directory already offline when a handler subscribes raises nothing more: check
    /// <see cref="IsOffline"/> after subscribing.
    /// </remarks>
    public event EventHandler<LogDirectoryOfflineEventArgs>? WentOffline;

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>Its id from <c>meta.properties</c> (<c>directory.id</c>); empty for one that could not be opened.
    /// </summary>
    public Guid Id { get; internal set; }

    /// <summary>True once an I/O error took the directory offline.</summary>
    public bool IsOffline => Volatile.Read(ref _offline) != 0;

    /// <summary>The clean-shutdown marker was present at open (and has been removed since).</summary>
    public bool HadCleanShutdown { get; }

    /// <summary>The broker epoch the clean-shutdown marker held; -1 after a crash or when it held none.</summary>
    public long PreviousBrokerEpoch { get; private init; } = -1;

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
        long previousEpoch = -1;
        if (clean)
        {
            previousEpoch = ReadBrokerEpoch(File.ReadAllText(marker));
            File.Delete(marker);
            FileSync.SyncDirectory(full);
        }
        return new LogDirectory(full, clean,
            ReadCheckpoint(System.IO.Path.Combine(full, OffsetCheckpointFile.RecoveryPoint), logger),
            ReadCheckpoint(System.IO.Path.Combine(full, OffsetCheckpointFile.LogStartOffset), logger),
            ReadCheckpoint(System.IO.Path.Combine(full, OffsetCheckpointFile.CleanerOffset), logger), logger)
        {
            PreviousBrokerEpoch = previousEpoch,
        };
    }

    private static long ReadBrokerEpoch(string marker) =>
        marker.StartsWith(BrokerEpochKey, StringComparison.Ordinal)
        && long.TryParse(marker.AsSpan(BrokerEpochKey.Length).Trim(), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out long epoch)
            ? epoch
            : -1;

    /// <summary>A directory that could not be opened: offline from the start, with nothing loaded.</summary>
    internal static LogDirectory CreateOffline(string path, ILogger logger) =>
        new(System.IO.Path.GetFullPath(path), hadCleanShutdown: false, [], [], [], logger);

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

    /// <summary>The partition directories present on disk, by name; the metadata log's directory is not one.</summary>
    public IReadOnlyList<TopicPartition> FindPartitions()
    {
        var found = new List<TopicPartition>();
        foreach (string directory in Directory.EnumerateDirectories(Path))
        {
            string name = System.IO.Path.GetFileName(directory);
            if (name == MetadataLogDirectoryName) continue;
            if (TopicPartition.TryParseDirectoryName(name, out TopicPartition tp))
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

    /// <summary>Records a log start offset; with <paramref name="persist"/> the checkpoint is written before
    /// return.</summary>
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
        lock (_cleanerLock)
        {
            if (_cleanerOffsets.Remove(topicPartition)) TryWriteCleanerCheckpoint();
        }
    }

    /// <summary>Where the cleaner's last pass over the partition ended (its first dirty offset), if it ran.</summary>
    internal long? CleanerOffsetOf(TopicPartition topicPartition)
    {
        lock (_cleanerLock)
            return _cleanerOffsets.TryGetValue(topicPartition, out long offset) ? offset : null;
    }

    /// <summary>
    /// Records where a cleaning pass ended and writes <c>cleaner-offset-checkpoint</c> before return (Kafka updates
    /// it after every pass; losing it costs only a pass over the whole log).
    /// </summary>
    /// <exception cref="IOException">Writing the checkpoint failed.</exception>
    internal void SetCleanerOffset(TopicPartition topicPartition, long offset)
    {
        lock (_cleanerLock)
        {
            _cleanerOffsets[topicPartition] = offset;
            OffsetCheckpointFile.Write(System.IO.Path.Combine(Path, OffsetCheckpointFile.CleanerOffset),
                _cleanerOffsets);
        }
    }

    /// <summary>
    /// A truncation to <paramref name="offset"/> ends the cleaned part there at most: what follows will be new data
    /// (Kafka's maybeTruncateCheckpoint). Written at once: after a crash, a stale checkpoint past the cut would
    /// count the new data as cleaned.
    /// </summary>
    internal void TruncateCleanerOffset(TopicPartition topicPartition, long offset)
    {
        lock (_cleanerLock)
        {
            if (!_cleanerOffsets.TryGetValue(topicPartition, out long current) || current <= offset) return;
            _cleanerOffsets[topicPartition] = offset;
            TryWriteCleanerCheckpoint();
        }
    }

    private void TryWriteCleanerCheckpoint()
    {
        try
        {
            OffsetCheckpointFile.Write(System.IO.Path.Combine(Path, OffsetCheckpointFile.CleanerOffset),
                _cleanerOffsets);
        }
        catch (IOException e)
        {
            MarkOffline("writing the cleaner checkpoint", e);
        }
    }

    /// <summary>The high watermarks checkpointed here (<c>replication-offset-checkpoint</c>); empty when there are
    /// none or the file cannot be read.</summary>
    public Dictionary<TopicPartition, long> ReadHighWatermarks() =>
        IsOffline ? [] : ReadCheckpoint(System.IO.Path.Combine(Path, OffsetCheckpointFile.HighWatermark), _logger);

    /// <summary>Replaces the high-watermark checkpoint; false (and offline) on an I/O error.</summary>
    public bool WriteHighWatermarks(Dictionary<TopicPartition, long> highWatermarks)
    {
        if (IsOffline) return false;
        try
        {
            OffsetCheckpointFile.Write(System.IO.Path.Combine(Path, OffsetCheckpointFile.HighWatermark),
                highWatermarks);
            return true;
        }
        catch (IOException e)
        {
            MarkOffline("writing the high-watermark checkpoint", e);
            return false;
        }
    }

    /// <summary>Writes the checkpoint files from what the logs reported; false (and offline) on an I/O error.</summary>
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
            lock (_cleanerLock)
            {
                if (_cleanerOffsets.Count > 0)
                    OffsetCheckpointFile.Write(System.IO.Path.Combine(Path, OffsetCheckpointFile.CleanerOffset),
                        _cleanerOffsets);
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
    /// Writes the checkpoints and then the clean-shutdown marker, with <paramref name="brokerEpoch"/> when it is
    /// one (≥ 0); call after every log in the directory closed.
    /// </summary>
    public void MarkCleanShutdown(long brokerEpoch = -1)
    {
        if (!WriteCheckpoints()) return;
        try
        {
            string content = brokerEpoch >= 0
                ? BrokerEpochKey + brokerEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"
                : "";
            File.WriteAllText(System.IO.Path.Combine(Path, CleanShutdownFileName), content);
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
        if (Interlocked.Exchange(ref _offline, 1) != 0) return;
        _logger.LogDirectoryOffline(exception, Path, operation);
        EventHandler<LogDirectoryOfflineEventArgs>? handlers = WentOffline;
        if (handlers is null) return;
        var args = new LogDirectoryOfflineEventArgs(this, operation, exception);
        foreach (Delegate handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<LogDirectoryOfflineEventArgs>)handler)(this, args);
            }
            catch (Exception e)
            {
                // A subscriber's bug must not turn one directory's I/O error into a failed append elsewhere.
                _logger.OfflineHandlerFailed(e, Path);
            }
        }
    }

    public override string ToString() => Path;
}
