using System.Diagnostics;
using Samsa.Storage.Checkpoints;
using Samsa.Storage.Recovery;

namespace Samsa.Storage;

// Loading a log at start-up. After a clean shutdown the indexes are trusted (after Kafka's sanity check) and only
// the batches after the last index entry of the last segment are walked. Otherwise every segment that holds offsets
// at or past the recovery point, and always the last one, is scanned batch by batch with its CRC: the first bad byte
// ends the log (a warning names the offset and the bytes cut), later segments are deleted, and the indexes are
// rebuilt. The scanned segments are then synced, so the recovery point can move to the log end.
public sealed partial class PartitionLog
{
    private void Load()
    {
        bool created = !System.IO.Directory.Exists(Path);
        System.IO.Directory.CreateDirectory(Path);
        if (created) FileSync.SyncDirectory(_directory.Path);

        long now = Now;
        LogOptions options = Options;
        List<long> baseOffsets = CleanUpFiles();
        var segments = new List<LogSegment>(baseOffsets.Count);
        try
        {
            foreach (long baseOffset in baseOffsets)
                segments.Add(LogSegment.Open(Path, baseOffset, _faults));
            _epochs = LeaderEpochCache.Load(Path, out bool epochsValid);
            int scanned = RecoverSegments(segments, epochsValid, now, options, out bool directoryChanged);
            RestoreState(segments, epochsValid, scanned);
            if (scanned > 0) SyncRecovered(segments, scanned, directoryChanged);
            _recoveryPoint = _nextOffset;
            _directory.SetRecoveryPoint(TopicPartition, _recoveryPoint);
            _directory.SetLogStartOffset(TopicPartition, _logStartOffset, persist: false);
        }
        catch
        {
            foreach (LogSegment segment in segments)
                segment.Release();
            throw;
        }
    }

    /// <summary>Loads the opened segments (scanning those recovery needs; see <see cref="LoadSegments"/>), or
    /// creates the one empty active segment of a new log. Returns the number scanned;
    /// <paramref name="directoryChanged"/> tells whether index files were created or segments deleted.</summary>
    private int RecoverSegments(List<LogSegment> segments, bool epochsValid, long now, LogOptions options,
        out bool directoryChanged)
    {
        directoryChanged = false;
        foreach (LogSegment segment in segments)
            directoryChanged |= segment.IndexesMissing;
        if (segments.Count == 0)
        {
            // A new log (or one whose segments were all lost): one empty active segment, nothing to scan.
            segments.Add(LogSegment.Create(Path, _directory.LogStartOffsetOf(TopicPartition), _faults));
            return 0;
        }
        int count = segments.Count;
        int scanned = LoadSegments(segments, epochsValid ? _epochs : null, now, options);
        directoryChanged |= segments.Count != count;
        return scanned;
    }

    /// <summary>Sets the log's offsets from its loaded segments and the log start checkpoint, then its leader
    /// epochs (rebuilt from the batches when the checkpoint was not valid) and its producer state.</summary>
    private void RestoreState(List<LogSegment> segments, bool epochsValid, int scanned)
    {
        _segments = [.. segments];
        _nextOffset = segments[^1].NextOffset;
        _logEndOffset = _nextOffset;
        _logStartOffset = Math.Max(_directory.LogStartOffsetOf(TopicPartition), segments[0].BaseOffset);
        if (_logStartOffset > _nextOffset) TruncateFullyAndStartAtLocked(_logStartOffset);

        if (!epochsValid)
        {
            RebuildEpochs();
            // A new log has no checkpoint yet and nothing to rebuild from: only a log with records is news.
            if (_nextOffset > _logStartOffset)
                _logger.RebuiltLeaderEpochs(TopicPartition.Topic, TopicPartition.Partition);
        }
        _epochs.TruncateFromStart(_logStartOffset, _nextOffset);
        LoadProducerStateLocked(_directory.HadCleanShutdown && scanned == 0);
    }

    /// <summary>Makes what recovery scanned durable before the recovery point moves past it.</summary>
    private void SyncRecovered(List<LogSegment> segments, int scanned, bool directoryChanged)
    {
        // The scanned bytes came from the page cache of a crashed process: make them durable before the
        // recovery point says so. Segments below the recovery point were synced before the crash.
        foreach (LogSegment segment in segments)
        {
            if (segment.WasRecovered) segment.Flush();
        }
        // Only new index files or segments deleted after corruption change the directory; a cut is a size
        // change, which fdatasync covers. A deletion lost to a power cut would bring back segments that
        // follow a hole.
        if (directoryChanged) FileSync.SyncDirectory(Path);
        _logger.RecoveredLog(TopicPartition.Topic, TopicPartition.Partition, scanned,
            _directory.RecoveryPointOf(TopicPartition), _nextOffset);
    }

    /// <returns>The number of segments scanned.</returns>
    private int LoadSegments(List<LogSegment> segments, LeaderEpochCache? epochs, long now, LogOptions options)
    {
        bool clean = _directory.HadCleanShutdown;
        long recoveryPoint = _directory.RecoveryPointOf(TopicPartition);
        int scanned = 0;
        long minimumOffset = segments[0].BaseOffset;
        for (int i = 0; i < segments.Count; i++)
        {
            LogSegment segment = segments[i];
            bool isLast = i == segments.Count - 1;
            long nextBase = isLast ? long.MaxValue : segments[i + 1].BaseOffset;
            bool scan = !clean && (isLast || nextBase > recoveryPoint);
            if (!scan && !segment.LoadClean(isLast, nextBase, now))
            {
                _logger.RebuiltIndex(segment.ToString(), TopicPartition.Topic, TopicPartition.Partition,
                    "missing or failed the sanity check");
                scan = true;
            }
            if (scan)
            {
                RecoveryOutcome outcome = segment.Recover(minimumOffset, epochs, now, options.IndexIntervalBytes);
                scanned++;
                if (outcome.Reason is not null)
                {
                    _logger.TruncatedTornTail(TopicPartition.Topic, TopicPartition.Partition, segment.NextOffset,
                        outcome.TruncatedBytes, segment.ToString(), outcome.Reason);
                    int later = segments.Count - i - 1;
                    if (later > 0)
                    {
                        // Whatever follows a corrupt batch was written after it: without it, it is a hole.
                        for (int j = segments.Count - 1; j > i; j--)
                            segments[j].Delete();
                        segments.RemoveRange(i + 1, later);
                        _logger.DeletedSegmentsAfterCorruption(later, TopicPartition.Topic, TopicPartition.Partition,
                            segment.NextOffset);
                        isLast = true;
                    }
                }
                if (!isLast) segment.Seal();
            }
            minimumOffset = segment.NextOffset;
        }
        return scanned;
    }

    /// <summary>Relearns the leader epochs from every batch header after the checkpoint was lost.</summary>
    private void RebuildEpochs()
    {
        Span<byte> chunk = stackalloc byte[LogSegment.WalkChunkBytes];
        int latest = -1;
        var entries = new List<EpochEntry>();
        foreach (LogSegment segment in _segments)
        {
            var walker = new BatchWalker(segment.Log, segment.BaseOffset, 0, segment.Size, chunk);
            while (walker.MoveNext())
            {
                RecordBatchHeader header = walker.Current;
                if (header.PartitionLeaderEpoch > latest)
                {
                    latest = header.PartitionLeaderEpoch;
                    entries.Add(new EpochEntry(latest, header.BaseOffset));
                }
                walker.Advance();
            }
        }
        _epochs.Clear();
        foreach (EpochEntry entry in entries)
            _epochs.Assign(entry.Epoch, entry.StartOffset);
        if (entries.Count == 0) _epochs.Flush();
    }

    /// <summary>
    /// Removes what an interrupted operation left (deletes, a cleaner's unfinished output, temporary checkpoints),
    /// installs a cleaner's finished <c>.swap</c> segments, drops indexes whose log is gone, and returns the base
    /// offsets of the segments, ascending.
    /// </summary>
    private List<long> CleanUpFiles()
    {
        var logs = new SortedSet<long>();
        var indexes = new List<(long BaseOffset, string Path)>();
        foreach (string file in System.IO.Directory.GetFiles(Path))
        {
            string name = System.IO.Path.GetFileName(file);
            if (name.EndsWith(SegmentFiles.DeletedSuffix, StringComparison.Ordinal) ||
                name.EndsWith(SegmentFiles.CleanedSuffix, StringComparison.Ordinal) ||
                name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(file);
                _logger.RemovedStrayFile(file, "left by an interrupted operation");
            }
        }
        foreach (string file in System.IO.Directory.GetFiles(Path, "*" + SegmentFiles.SwapSuffix))
            InstallSwap(file);
        foreach (string file in System.IO.Directory.GetFiles(Path))
        {
            string name = System.IO.Path.GetFileName(file);
            if (SegmentFiles.TryParseBaseOffset(name, SegmentFiles.LogSuffix, out long baseOffset))
                logs.Add(baseOffset);
            else if (SegmentFiles.TryParseBaseOffset(name, SegmentFiles.IndexSuffix, out baseOffset) ||
                SegmentFiles.TryParseBaseOffset(name, SegmentFiles.TimeIndexSuffix, out baseOffset))
                indexes.Add((baseOffset, file));
        }
        foreach ((long baseOffset, string path) in indexes)
        {
            if (logs.Contains(baseOffset)) continue;
            File.Delete(path);
            _logger.RemovedStrayFile(path, "an index without its log");
        }
        return [.. logs];
    }

    /// <summary>
    /// A cleaner renames its output to <c>.swap</c> only once it is complete and synced, so a <c>.swap</c> log is
    /// installed: the segments it replaces (those whose base offsets fall inside its range) go, it takes its final
    /// name, and its indexes are rebuilt by the scan that follows. Kafka resumes a swap the same way.
    /// </summary>
    private void InstallSwap(string swapPath)
    {
        string name = System.IO.Path.GetFileName(swapPath);
        string finalName = name[..^SegmentFiles.SwapSuffix.Length];
        if (!SegmentFiles.TryParseBaseOffset(finalName, SegmentFiles.LogSuffix, out long baseOffset))
        {
            // An index's swap: the index is rebuilt from the installed log instead.
            File.Delete(swapPath);
            return;
        }
        long nextOffset = baseOffset;
        using (var file = LogFile.Open(swapPath, FileMode.Open, _faults))
        {
            Span<byte> chunk = stackalloc byte[LogSegment.WalkChunkBytes];
            var walker = new BatchWalker(file, baseOffset, 0, (int)Math.Min(file.Length, int.MaxValue), chunk);
            while (walker.MoveNext())
            {
                nextOffset = walker.Current.NextOffset;
                walker.Advance();
            }
        }
        foreach (string file in System.IO.Directory.GetFiles(Path, "*" + SegmentFiles.LogSuffix))
        {
            if (SegmentFiles.TryParseBaseOffset(System.IO.Path.GetFileName(file), SegmentFiles.LogSuffix,
                    out long covered) && covered > baseOffset && covered < nextOffset)
            {
                File.Delete(file);
            }
        }
        File.Move(swapPath, System.IO.Path.Combine(Path, finalName), overwrite: true);
        File.Delete(SegmentFiles.PathOf(Path, baseOffset, SegmentFiles.IndexSuffix));
        File.Delete(SegmentFiles.PathOf(Path, baseOffset, SegmentFiles.TimeIndexSuffix));
        FileSync.SyncDirectory(Path);
        Debug.Assert(File.Exists(System.IO.Path.Combine(Path, finalName)));
    }
}
