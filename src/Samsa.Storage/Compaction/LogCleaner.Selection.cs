using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Storage;

// Which part of a log a pass may clean, and whether it is worth it (Kafka's LogCleanerManager.cleanableOffsets and
// the dirty ratio). Cheap: segment sizes, timestamps already in memory, and one header read per dirty segment when
// max.compaction.lag.ms is set.
public sealed partial class LogCleaner
{
    private static CleaningRange Assess(PartitionLog log, LogSegment[] segments, long upperBoundOffset, long now)
    {
        LogOptions options = log.Options;
        long logStart = log.LogStartOffset;
        long firstDirty = log.Directory.CleanerOffsetOf(log.TopicPartition) ?? logStart;
        // Below the log start (retention, DeleteRecords) or past the end (a torn tail cut at recovery): start over.
        if (firstDirty < logStart || firstDirty > log.LogEndOffset) firstDirty = logStart;

        int rolled = segments.Length - 1;
        long end = Math.Min(segments[^1].BaseOffset, upperBoundOffset);
        if (options.MinCompactionLag > TimeSpan.Zero)
        {
            long youngest = now - (long)options.MinCompactionLag.TotalMilliseconds;
            for (int i = 0; i < rolled; i++)
            {
                if (segments[i + 1].BaseOffset <= firstDirty) continue;
                if (segments[i].MaxTimestamp > youngest)
                {
                    end = Math.Min(end, segments[i].BaseOffset);
                    break;
                }
            }
        }
        end = SegmentBaseAtOrBelow(segments, end);

        long cleanBytes = 0;
        long dirtyBytes = 0;
        bool due = false;
        long maxLagMs = options.MaxCompactionLag == TimeSpan.MaxValue
            ? long.MaxValue
            : (long)options.MaxCompactionLag.TotalMilliseconds;
        for (int i = 0; i < rolled; i++)
        {
            LogSegment segment = segments[i];
            if (segments[i + 1].BaseOffset <= firstDirty)
            {
                cleanBytes += segment.Size;
                continue;
            }
            if (segment.BaseOffset < end) dirtyBytes += segment.Size;
            if (maxLagMs != long.MaxValue && !due)
            {
                long first = FirstBatchTimestamp(segment);
                due = first > 0 && first < now - maxLagMs;
            }
        }
        long total = cleanBytes + dirtyBytes;
        double ratio = total == 0 ? 0 : (double)dirtyBytes / total;
        bool horizonDue = log.NextDeleteHorizon <= now;
        return new CleaningRange(firstDirty, end, dirtyBytes, ratio, due && dirtyBytes > 0,
            (dirtyBytes > 0 && (ratio > options.MinCleanableDirtyRatio || due)) || horizonDue);
    }

    /// <summary>The first batch's max timestamp, as Kafka's max.compaction.lag.ms check reads it; -1 if none.</summary>
    private static long FirstBatchTimestamp(LogSegment segment)
    {
        Span<byte> header = stackalloc byte[L.HeaderSize];
        try
        {
            return segment.CopyTo(header, 0) == header.Length ? RecordBatchHeader.Read(header).MaxTimestamp : -1;
        }
        catch (IOException)
        {
            // The pass itself will meet the error and take the directory offline; choosing needs no answer.
            return -1;
        }
    }

    /// <summary>What a pass over one log would clean.</summary>
    /// <param name="FirstDirtyOffset">Where the uncleaned part begins.</param>
    /// <param name="End">The first offset the pass may not clean: a segment's base.</param>
    /// <param name="DirtyBytes">Bytes of the segments in [first dirty, end).</param>
    /// <param name="DirtyRatio">Dirty bytes over the bytes of the rolled segments up to the end.</param>
    /// <param name="IsDue">A dirty segment began before max.compaction.lag.ms ago.</param>
    /// <param name="NeedsCleaning">Worth a pass now.</param>
    private readonly record struct CleaningRange(long FirstDirtyOffset, long End, long DirtyBytes, double DirtyRatio,
        bool IsDue, bool NeedsCleaning);
}
