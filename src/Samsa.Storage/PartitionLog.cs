using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Storage.Checkpoints;
using Samsa.Storage.Durability;

namespace Samsa.Storage;

// One writer per partition owns the active segment: appends, rolls, truncation, DeleteRecords and retention take the
// log's lock, which only they contend for. Readers never take it: they read an immutable array of segments and the
// visible end (written bytes in replicated mode, synced bytes in fsync mode), and hold a reference on the segment they
// read, so a concurrent delete unlinks files without closing them under a reader. On an I/O error the log directory
// goes offline and its partitions answer StorageError; a full disk only fails the append, whose partial bytes are cut
// off. What survives a crash: every batch whose CRC checks, up to the first that does not; indexes are rebuilt for
// every segment at or after the recovery point.
/// <summary>
/// The durable log of one partition, in Kafka's on-disk layout: <c>&lt;log.dir&gt;/&lt;topic&gt;-&lt;partition&gt;/</c>
/// with segments (<c>.log</c>, <c>.index</c>, <c>.timeindex</c>) named by their 20-digit base offset and a
/// <c>leader-epoch-checkpoint</c>.
/// </summary>
/// <remarks>
/// <para>Threading: one writer at a time (the partition's append loop, a follower fetcher, and a background service
/// for retention and flushing); the log serializes them with a lock that readers never take. Any number of readers
/// call <see cref="Read"/>, <see cref="FindOffsetByTimestamp"/>, <see cref="EndOffsetForEpoch"/> and the offset
/// properties from any thread.</para>
/// <para>Visibility: readers see bytes below <see cref="LogEndOffset"/>, which in <see cref="LogFlushMode.Fsync"/>
/// mode advances only after the sync that covers them.</para>
/// </remarks>
public sealed partial class PartitionLog
{
    private readonly Lock _lock = new();
    private readonly LogDirectory _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IStorageFaults? _faults;
    private readonly GroupCommit _groupCommit;
    private LeaderEpochCache _epochs = null!;
    private LogOptions _options;
    private LogSegment[] _segments = [];
    private long _nextOffset;
    private long _logEndOffset;
    private long _logStartOffset;
    private long _recoveryPoint;
    private int _truncations;
    private bool _closed;

    private PartitionLog(LogDirectory directory, TopicPartition topicPartition, LogOptions options, TimeProvider time,
        ILogger logger, IStorageFaults? faults)
    {
        _directory = directory;
        TopicPartition = topicPartition;
        Path = System.IO.Path.Combine(directory.Path, topicPartition.DirectoryName);
        _options = options;
        _time = time;
        _logger = logger;
        _faults = faults;
        _groupCommit = new GroupCommit(this);
    }

    public TopicPartition TopicPartition { get; }

    /// <summary>The partition's directory.</summary>
    public string Path { get; }

    public LogDirectory Directory => _directory;

    public LogOptions Options => Volatile.Read(ref _options);

    /// <summary>The first offset a reader may ask for.</summary>
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>
    /// The offset after the last visible batch: what readers and followers see. In fsync mode, everything below it
    /// has been synced.
    /// </summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    /// <summary>Below this offset every segment, indexes included, is on disk; a crash rescans from here.</summary>
    public long RecoveryPoint
    {
        get
        {
            lock (_lock)
                return _recoveryPoint;
        }
    }

    /// <summary>The latest leader epoch in the log, or -1.</summary>
    public int LatestEpoch => _epochs.LatestEpoch;

    /// <summary>Bytes in all segments.</summary>
    public long Size
    {
        get
        {
            long size = 0;
            foreach (LogSegment segment in Volatile.Read(ref _segments))
                size += segment.VisibleSize;
            return size;
        }
    }

    public int SegmentCount => Volatile.Read(ref _segments).Length;

    /// <summary>The leader epoch cache's entries (tests).</summary>
    internal EpochEntry[] LeaderEpochEntries => _epochs.Entries;

    /// <summary>True when the log's directory is offline.</summary>
    public bool IsOffline => _directory.IsOffline;

    /// <summary>fdatasyncs run by fsync mode's group commit: fewer than appends when appends overlap.</summary>
    public long SyncCount => _groupCommit.SyncCount;

    /// <summary>The segments' base offsets, oldest first (tests and tools).</summary>
    public long[] SegmentBaseOffsets()
    {
        LogSegment[] segments = Volatile.Read(ref _segments);
        long[] offsets = new long[segments.Length];
        for (int i = 0; i < segments.Length; i++)
            offsets[i] = segments[i].BaseOffset;
        return offsets;
    }

    /// <summary>
    /// Opens the partition's log in <paramref name="directory"/>, creating it if missing. After an unclean shutdown
    /// the segments from the recovery point on are scanned, a torn tail is cut at the last valid batch (logged as a
    /// warning), and missing or corrupt indexes are rebuilt.
    /// </summary>
    /// <exception cref="IOException">The files cannot be read; the caller takes the directory offline.</exception>
    public static PartitionLog Open(LogDirectory directory, TopicPartition topicPartition, LogOptions options,
        TimeProvider? time = null, ILogger? logger = null) =>
        Open(directory, topicPartition, options, time, logger, faults: null);

    internal static PartitionLog Open(LogDirectory directory, TopicPartition topicPartition, LogOptions options,
        TimeProvider? time, ILogger? logger, IStorageFaults? faults)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        var log = new PartitionLog(directory, topicPartition, options, time ?? TimeProvider.System,
            logger ?? NullLogger.Instance, faults);
        log.Load();
        return log;
    }

    /// <summary>Applies changed topic configs; takes effect with the next append or retention pass.</summary>
    public void UpdateOptions(LogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_lock)
        {
            Volatile.Write(ref _options, options);
            _producerState.Expiration = options.ProducerIdExpiration;
        }
    }

    /// <summary>
    /// The answer to OffsetForLeaderEpoch: where <paramref name="leaderEpoch"/> ended in this log (the log end for
    /// the latest epoch), with the largest epoch at or below it.
    /// </summary>
    public OffsetAndEpoch EndOffsetForEpoch(int leaderEpoch) => _epochs.EndOffsetFor(leaderEpoch, LogEndOffset);

    /// <summary>
    /// Records that <paramref name="leaderEpoch"/> begins at the log end, as a new leader does before it writes:
    /// OffsetForLeaderEpoch and a follower's diverging-epoch check then see the epoch even before its first batch.
    /// </summary>
    public LogStatus AssignLeaderEpoch(int leaderEpoch)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_directory.IsOffline) return LogStatus.StorageError;
            try
            {
                if (leaderEpoch > _epochs.LatestEpoch) _epochs.Assign(leaderEpoch, _nextOffset);
                return LogStatus.Ok;
            }
            catch (IOException e)
            {
                return Offline("recording a leader epoch", e);
            }
        }
    }

    private LogSegment Active => _segments[^1];

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Closes the log cleanly: syncs everything, writes the active segment's indexes and reports the recovery point
    /// (the log end) and log start offset to the directory, whose clean-shutdown marker then lets the next start
    /// skip scanning.
    /// </summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            try
            {
                if (!_directory.IsOffline)
                {
                    LogSegment active = Active;
                    active.SyncLog();
                    _groupCommit.MarkDurable(active, active.Size, _nextOffset);
                    FlushSegmentsLocked(includeActive: true);
                    active.WriteIndexesForClose();
                    TakeProducerSnapshotLocked(_nextOffset, sync: true);
                    _recoveryPoint = _nextOffset;
                    _directory.SetRecoveryPoint(TopicPartition, _recoveryPoint);
                    _directory.SetLogStartOffset(TopicPartition, _logStartOffset, persist: false);
                }
            }
            catch (IOException e)
            {
                _directory.MarkOffline($"closing {TopicPartition}", e);
            }
            _groupCommit.Fail();
            foreach (LogSegment segment in _segments)
                segment.Release();
        }
    }

    /// <summary>
    /// Drops the log as a crash would: closes the handles and writes nothing (no index, no checkpoint). Bytes already
    /// written stay in the page cache, as after a killed process.
    /// </summary>
    internal void Abandon()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            _groupCommit.Fail();
            foreach (LogSegment segment in _segments)
                segment.Release();
        }
    }

    /// <summary>
    /// Syncs every segment below the active one that is not yet on disk and moves the recovery point to the active
    /// segment's base; a background service calls this (Kafka's scheduled flush after roll). The syncs run outside
    /// the writer's lock, so appends go on.
    /// </summary>
    public LogStatus Flush()
    {
        LogSegment[] segments;
        long target;
        long from;
        int truncations;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_directory.IsOffline) return LogStatus.StorageError;
            segments = _segments;
            target = Active.BaseOffset;
            from = _recoveryPoint;
            truncations = _truncations;
        }
        if (target <= from) return LogStatus.Ok;
        try
        {
            for (int i = 0; i < segments.Length - 1; i++)
            {
                LogSegment segment = segments[i];
                if (segments[i + 1].BaseOffset <= from || !segment.TryAcquire()) continue;
                try
                {
                    segment.Flush();
                }
                finally
                {
                    segment.Release();
                }
            }
        }
        catch (IOException e)
        {
            return Offline("flushing", e);
        }
        lock (_lock)
        {
            if (truncations == _truncations && target > _recoveryPoint)
            {
                _recoveryPoint = target;
                _directory.SetRecoveryPoint(TopicPartition, target);
            }
        }
        return LogStatus.Ok;
    }

    private void FlushSegmentsLocked(bool includeActive)
    {
        LogSegment[] segments = _segments;
        int end = includeActive ? segments.Length : segments.Length - 1;
        for (int i = 0; i < end; i++)
        {
            if (i + 1 < segments.Length && segments[i + 1].BaseOffset <= _recoveryPoint) continue;
            segments[i].Flush();
        }
    }

    /// <summary>Rolls to a new active segment now (a new segment at the log end), unless the active one is
    /// empty.</summary>
    public LogStatus Roll()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_directory.IsOffline) return LogStatus.StorageError;
            if (Active.IsEmpty) return LogStatus.Ok;
            return RollLocked(_nextOffset) switch
            {
                AppendStatus.Ok => LogStatus.Ok,
                AppendStatus.DiskFull => LogStatus.DiskFull,
                _ => LogStatus.StorageError,
            };
        }
    }

    private AppendStatus RollLocked(long baseOffset)
    {
        LogSegment old = Active;
        LogSegment? created = null;
        try
        {
            if (Options.FlushMode == LogFlushMode.Fsync) old.SyncLog();
            old.Seal();
            created = LogSegment.Create(Path, baseOffset, _faults);
            if (Options.FlushMode == LogFlushMode.Fsync) FileSync.SyncDirectory(Path);
        }
        catch (IOException e)
        {
            // Back to where we were: the old segment stays active, the new files go.
            old.Activate();
            if (created is not null)
            {
                created.Delete();
            }
            else
            {
                TryDelete(SegmentFiles.PathOf(Path, baseOffset, SegmentFiles.LogSuffix));
                TryDelete(SegmentFiles.PathOf(Path, baseOffset, SegmentFiles.IndexSuffix));
                TryDelete(SegmentFiles.PathOf(Path, baseOffset, SegmentFiles.TimeIndexSuffix));
            }
            if (LogFile.IsDiskFull(e))
            {
                _logger.DiskFull(TopicPartition.Topic, TopicPartition.Partition, old.ToString());
                return AppendStatus.DiskFull;
            }
            Offline("rolling a segment", e);
            return AppendStatus.StorageError;
        }
        Volatile.Write(ref _segments, [.. _segments, created]);
        if (Options.FlushMode == LogFlushMode.Fsync) _groupCommit.MarkDurable(old, old.Size, old.NextOffset);
        TakeProducerSnapshotLocked(baseOffset, sync: false);
        _logger.RolledSegment(TopicPartition.Topic, TopicPartition.Partition, baseOffset);
        return AppendStatus.Ok;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Publishes a synced (fsync mode) or written (replicated mode) end to readers.</summary>
    internal void PublishDurable(LogSegment segment, int size, long nextOffset)
    {
        segment.Publish(size);
        if (nextOffset > Volatile.Read(ref _logEndOffset)) Volatile.Write(ref _logEndOffset, nextOffset);
    }

    /// <summary>fsync mode's sync failed: the directory goes offline and every waiter fails.</summary>
    internal void OnSyncFailed(IOException error)
    {
        _directory.MarkOffline($"syncing {TopicPartition}", error);
        _groupCommit.Fail();
    }

    private LogStatus Offline(string operation, IOException error)
    {
        _directory.MarkOffline($"{operation} {TopicPartition}", error);
        _groupCommit.Fail();
        return LogStatus.StorageError;
    }

    /// <summary>The index of the last segment whose base offset is at or below <paramref name="offset"/>, or
    /// -1.</summary>
    private static int FloorSegment(LogSegment[] segments, long offset)
    {
        int low = 0;
        int high = segments.Length - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            if (segments[middle].BaseOffset <= offset)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }

    public override string ToString() => Path;
}
