using Samsa.Storage.Compaction;

namespace Samsa.Storage;

// What the log cleaner needs from a log. The cleaner reads rolled segments without the lock (they are immutable),
// writes the batches it keeps, offsets unchanged, into a segment created with LogSegment.CreateCleaned, and hands it
// here. The swap follows Kafka's protocol, so a crash at any point leaves either the old segments or the new one:
// .cleaned files are never complete (deleted at start-up); renaming them to .swap is the commit point (a .swap found
// at start-up is installed); the final rename finishes the job. The swap happens only if the replaced segments are
// still the log's and no truncation ran meanwhile; otherwise the pass's work is thrown away.
public sealed partial class PartitionLog
{
    private int _cleaning;
    private long _nextDeleteHorizon = long.MaxValue;

    /// <summary>The storage fault hook, for files the cleaner creates.</summary>
    internal IStorageFaults? Faults => _faults;

    /// <summary>
    /// The earliest delete horizon the last cleaning pass left on a batch it can empty (tombstones, markers of
    /// finished transactions): when the clock passes it, the log is worth another pass. Not persisted: after a
    /// restart the first pass learns it again.
    /// </summary>
    internal long NextDeleteHorizon
    {
        get => Volatile.Read(ref _nextDeleteHorizon);
        set => Volatile.Write(ref _nextDeleteHorizon, value);
    }

    /// <summary>Truncations so far: a cleaning pass that saw another count does not swap.</summary>
    internal int Truncations
    {
        get
        {
            lock (_lock)
                return _truncations;
        }
    }

    /// <summary>One cleaning pass at a time per log.</summary>
    internal bool TryBeginCleaning() => Interlocked.CompareExchange(ref _cleaning, 1, 0) == 0;

    internal void EndCleaning() => Volatile.Write(ref _cleaning, 0);

    /// <summary>Test hook: called after each step of a swap, to stop it there as a crash would.</summary>
    internal Action<SwapStep>? SwapHook { get; set; }

    /// <summary>
    /// Every segment, oldest first and the active one last, each with a reference the caller releases, with the
    /// truncation count they belong to.
    /// </summary>
    internal LogSegment[] AcquireSegments(out int truncations)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            truncations = _truncations;
            LogSegment[] segments = _segments;
            var acquired = new LogSegment[segments.Length];
            for (int i = 0; i < segments.Length; i++)
            {
                // Under the lock no segment of the array can be deleted, so each still holds the log's reference.
                bool taken = segments[i].TryAcquire();
                System.Diagnostics.Debug.Assert(taken);
                acquired[i] = segments[i];
            }
            return acquired;
        }
    }

    /// <summary>
    /// Replaces the rolled segments <paramref name="replaced"/> (consecutive, oldest first) with
    /// <paramref name="cleaned"/>, a sealed segment with the first one's base offset holding a subset of their
    /// batches. Readers holding the old segments keep reading them.
    /// </summary>
    /// <param name="cleaned">The new segment, already synced by the caller: a sync of up to segment.bytes must not
    /// run under the log's lock, where it would stall appends.</param>
    /// <param name="replaced">The segments it replaces, as the cleaner acquired them.</param>
    /// <param name="truncations">The truncation count the cleaner read the segments under.</param>
    /// <returns>
    /// <see cref="CleanStatus.Cleaned"/> when swapped (the log owns <paramref name="cleaned"/>);
    /// <see cref="CleanStatus.Aborted"/> when the log changed meanwhile (nothing was touched: the caller deletes
    /// <paramref name="cleaned"/>); <see cref="CleanStatus.StorageError"/> when the directory went offline (the files
    /// are left for the next start to finish or undo).
    /// </returns>
    internal CleanStatus ReplaceSegments(LogSegment cleaned, IReadOnlyList<LogSegment> replaced, int truncations)
    {
        lock (_lock)
        {
            if (_closed || truncations != _truncations) return CleanStatus.Aborted;
            if (_directory.IsOffline) return CleanStatus.StorageError;
            LogSegment[] segments = _segments;
            int first = FloorSegment(segments, cleaned.BaseOffset);
            if (first < 0 || replaced.Count == 0 || first + replaced.Count > segments.Length - 1)
                return CleanStatus.Aborted;
            for (int i = 0; i < replaced.Count; i++)
            {
                if (!ReferenceEquals(segments[first + i], replaced[i])) return CleanStatus.Aborted;
            }
            if (cleaned.IsActive || cleaned.BaseOffset != replaced[0].BaseOffset)
                throw new ArgumentException("a cleaned segment is sealed and starts where the first replaced one does");

            bool installed = false;
            try
            {
                cleaned.Publish(cleaned.Size);
                cleaned.RenameFiles(SegmentFiles.SwapSuffix);
                FileSync.SyncDirectory(Path);
                SwapHook?.Invoke(SwapStep.RenamedToSwap);
                Volatile.Write(ref _segments, [.. segments[..first], cleaned, .. segments[(first + replaced.Count)..]]);
                installed = true;
                for (int i = 0; i < replaced.Count; i++)
                    replaced[i].Delete();
                SwapHook?.Invoke(SwapStep.DeletedReplaced);
                cleaned.RenameFiles("");
                FileSync.SyncDirectory(Path);
            }
            catch (IOException e)
            {
                // Offline for the life of the process; the next start installs the .swap or drops the .cleaned.
                if (!installed) cleaned.Release();
                Offline("replacing segments of", e);
                return CleanStatus.StorageError;
            }
            return CleanStatus.Cleaned;
        }
    }

    /// <summary>
    /// A cleaner's I/O error takes the directory offline, unless the log was closed or deleted under the pass (its
    /// directory renamed away): then the error is the pass's, not the disk's.
    /// </summary>
    /// <returns>The pass's status.</returns>
    internal CleanStatus OnCleanerIOError(IOException error)
    {
        lock (_lock)
        {
            if (_closed) return CleanStatus.Aborted;
        }
        Offline("cleaning", error);
        return CleanStatus.StorageError;
    }
}
