namespace Samsa.Storage;

// Cutting the log: from the end (a follower truncating to its leader's epoch boundary) and from the start
// (DeleteRecords).
public sealed partial class PartitionLog
{
    /// <summary>
    /// Removes every batch that ends at or past <paramref name="offset"/> (a batch holding it goes whole), from the
    /// log, its indexes and the leader epoch cache; a follower does this before fetching from a new leader. Below the
    /// log start offset the log is emptied and restarts at <paramref name="offset"/>; if the cut leaves nothing at or
    /// above the log start offset, it restarts there. The cut is synced before
    /// return, so removed batches cannot reappear after a crash among new ones.
    /// </summary>
    public LogStatus TruncateTo(long offset)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_directory.IsOffline) return LogStatus.StorageError;
            if (offset < 0) return LogStatus.OffsetOutOfRange;
            if (offset >= _nextOffset) return LogStatus.Ok;
            try
            {
                // Pending fsync-mode appends complete first: they were durable before they were cut.
                LogSegment active = Active;
                if (Options.FlushMode == LogFlushMode.Fsync)
                {
                    active.SyncLog();
                    _groupCommit.MarkDurable(active, active.Size, _nextOffset);
                }
                _truncations++;
                _groupCommit.BeginTruncation();
                if (offset < _logStartOffset)
                {
                    TruncateFullyAndStartAtLocked(offset);
                }
                else
                {
                    TruncateSegmentsLocked(offset);
                    // The batch holding the offset began below the log start offset: nothing readable is left.
                    if (_nextOffset < _logStartOffset) TruncateFullyAndStartAtLocked(_logStartOffset);
                }
                _groupCommit.EndTruncation(_nextOffset);
                _epochs.TruncateFromEnd(_nextOffset);
                LoadProducerStateLocked(cleanShutdown: false);
                _recoveryPoint = Math.Min(_recoveryPoint, _nextOffset);
                _directory.SetRecoveryPoint(TopicPartition, _recoveryPoint);
                _directory.TruncateCleanerOffset(TopicPartition, _nextOffset);
            }
            catch (IOException e)
            {
                return Offline("truncating", e);
            }
            _logger.TruncatedLog(TopicPartition.Topic, TopicPartition.Partition, _nextOffset);
            return LogStatus.Ok;
        }
    }

    private void TruncateSegmentsLocked(long offset)
    {
        LogSegment[] segments = _segments;
        int keep = Math.Max(FloorSegment(segments, offset), 0) + 1;
        if (keep < segments.Length)
        {
            // Readers stop finding the removed segments before their files go; the newest goes first, so a crash
            // midway leaves a log that ends early rather than one with a hole.
            Volatile.Write(ref _segments, segments[..keep]);
            for (int i = segments.Length - 1; i >= keep; i--)
                segments[i].Delete();
        }
        LogSegment last = _segments[^1];
        last.TruncateTo(offset, Now);
        _nextOffset = last.NextOffset;
        Volatile.Write(ref _logEndOffset, _nextOffset);
        last.SyncLog();
        if (keep < segments.Length) FileSync.SyncDirectory(Path);
    }

    private void TruncateFullyAndStartAtLocked(long offset)
    {
        LogSegment[] old = _segments;
        foreach (LogSegment segment in old)
            segment.Delete();
        LogSegment created = LogSegment.Create(Path, offset, _faults);
        Volatile.Write(ref _segments, [created]);
        _nextOffset = offset;
        Volatile.Write(ref _logEndOffset, offset);
        Volatile.Write(ref _logStartOffset, offset);
        _epochs.Clear();
        DeleteProducerSnapshotsBelow(long.MaxValue);
        FileSync.SyncDirectory(Path);
        _directory.SetLogStartOffset(TopicPartition, offset, persist: true);
    }

    /// <summary>
    /// DeleteRecords: moves the log start offset up to <paramref name="offset"/> (persisted before return) and
    /// deletes the whole segments that now lie below it. Never deletes the active segment.
    /// </summary>
    /// <returns><see cref="LogStatus.OffsetOutOfRange"/> past the log end offset.</returns>
    public LogStatus DeleteRecordsBefore(long offset)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_directory.IsOffline) return LogStatus.StorageError;
            if (offset < 0 || offset > LogEndOffset) return LogStatus.OffsetOutOfRange;
            if (offset <= _logStartOffset) return LogStatus.Ok;
            try
            {
                // Persist first: a crash after the deletes must not bring back offsets below the new start.
                _directory.SetLogStartOffset(TopicPartition, offset, persist: true);
                Volatile.Write(ref _logStartOffset, offset);
                _epochs.TruncateFromStart(offset, _nextOffset);
                int deleted = DeleteSegmentsLocked(CountBelowLogStartLocked());
                _logger.MovedLogStartOffset(TopicPartition.Topic, TopicPartition.Partition, offset);
                if (deleted > 0)
                {
                    _logger.DeletedSegments(deleted, TopicPartition.Topic, TopicPartition.Partition,
                        "below the log start offset", offset);
                }
            }
            catch (IOException e)
            {
                return Offline("deleting records of", e);
            }
            return LogStatus.Ok;
        }
    }

    /// <summary>How many leading segments end at or below the log start offset (never the active one).</summary>
    private int CountBelowLogStartLocked()
    {
        LogSegment[] segments = _segments;
        int count = 0;
        while (count < segments.Length - 1 && segments[count + 1].BaseOffset <= _logStartOffset)
            count++;
        return count;
    }

    /// <summary>
    /// Deletes the first <paramref name="count"/> segments, oldest first (a crash midway leaves a log that starts
    /// later, never one with a hole), and moves the log start offset to the first remaining segment if it was below.
    /// </summary>
    private int DeleteSegmentsLocked(int count)
    {
        if (count == 0) return 0;
        LogSegment[] segments = _segments;
        Volatile.Write(ref _segments, segments[count..]);
        long firstBase = _segments[0].BaseOffset;
        if (firstBase > _logStartOffset)
        {
            Volatile.Write(ref _logStartOffset, firstBase);
            _epochs.TruncateFromStart(firstBase, _nextOffset);
        }
        for (int i = 0; i < count; i++)
            segments[i].Delete();
        DeleteProducerSnapshotsBelow(firstBase);
        _directory.SetLogStartOffset(TopicPartition, _logStartOffset, persist: false);
        return count;
    }
}
