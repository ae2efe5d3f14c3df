using Samsa.Storage.IO;
using Samsa.Storage.Segments;

namespace Samsa.Storage;

// The hook for compaction (cleanup.policy=compact): a cleaner reads rolled segments batch by batch
// (SegmentBatchReader), writes the batches it keeps, offsets unchanged, into a segment created with
// LogSegment.CreateCleaned, and hands it here. The swap follows Kafka's protocol, so a crash at any point leaves
// either the old segments or the new one: .cleaned files are never complete (deleted at start-up); renaming them to
// .swap is the commit point (a .swap found at start-up is installed); the final rename finishes the job.
public sealed partial class PartitionLog
{
    /// <summary>
    /// Replaces the <paramref name="count"/> rolled segments starting at the one based at
    /// <paramref name="firstBaseOffset"/> with <paramref name="cleaned"/>, a sealed segment with the same base offset
    /// holding a subset of their batches. Readers holding the old segments keep reading them.
    /// </summary>
    internal LogStatus ReplaceSegments(LogSegment cleaned, long firstBaseOffset, int count)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_directory.IsOffline) return LogStatus.StorageError;
            LogSegment[] segments = _segments;
            int first = FloorSegment(segments, firstBaseOffset);
            if (first < 0 || segments[first].BaseOffset != firstBaseOffset || cleaned.BaseOffset != firstBaseOffset ||
                count < 1 || first + count > segments.Length - 1 || cleaned.IsActive)
            {
                throw new ArgumentException("a cleaned segment replaces rolled segments from its own base offset");
            }
            try
            {
                cleaned.Publish(cleaned.Size);
                cleaned.Flush();
                cleaned.RenameFiles(SegmentFiles.SwapSuffix);
                FileSync.SyncDirectory(Path);
                Volatile.Write(ref _segments, [.. segments[..first], cleaned, .. segments[(first + count)..]]);
                for (int i = first; i < first + count; i++)
                    segments[i].Delete();
                cleaned.RenameFiles("");
                FileSync.SyncDirectory(Path);
            }
            catch (IOException e)
            {
                return Offline("replacing segments of", e);
            }
            return LogStatus.Ok;
        }
    }

    /// <summary>The rolled segments, oldest first, each with a reference the caller releases (a cleaner's input).</summary>
    internal LogSegment[] AcquireRolledSegments()
    {
        LogSegment[] segments = Volatile.Read(ref _segments);
        var acquired = new List<LogSegment>(segments.Length);
        for (int i = 0; i < segments.Length - 1; i++)
        {
            if (segments[i].TryAcquire()) acquired.Add(segments[i]);
        }
        return [.. acquired];
    }
}
