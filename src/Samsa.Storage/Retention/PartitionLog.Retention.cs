namespace Samsa.Storage;

// Retention: a background service calls DeleteOldSegments on every log now and then (Kafka's
// log.retention.check.interval.ms); it never runs on the append path.
public sealed partial class PartitionLog
{
    /// <summary>
    /// Deletes whole segments, oldest first and never the active one, that lie below the log start offset, whose
    /// largest timestamp is older than <c>retention.ms</c>, or that put the log over <c>retention.bytes</c>; the log
    /// start offset moves to the first remaining segment. Retention by time and size needs
    /// <c>cleanup.policy</c> to include delete (compact,delete applies both); a compact-only log loses only what is
    /// below its log start offset.
    /// </summary>
    /// <returns>The number of segments deleted.</returns>
    public int DeleteOldSegments()
    {
        lock (_lock)
        {
            if (_closed || _directory.IsOffline) return 0;
            LogOptions options = Options;
            LogSegment[] segments = _segments;
            int belowStart = CountBelowLogStartLocked();
            int count = belowStart;

            if (options.IsDeleteEnabled && options.RetentionTime != Timeout.InfiniteTimeSpan)
            {
                long now = Now;
                long retentionMs = (long)options.RetentionTime.TotalMilliseconds;
                while (count < segments.Length - 1 && now - LargestTimestamp(segments[count]) > retentionMs)
                    count++;
            }
            int byTime = count - belowStart;

            if (options.IsDeleteEnabled && options.RetentionBytes >= 0)
            {
                long excess = -options.RetentionBytes;
                for (int i = count; i < segments.Length; i++)
                    excess += segments[i].Size;
                while (count < segments.Length - 1 && excess - segments[count].Size >= 0)
                {
                    excess -= segments[count].Size;
                    count++;
                }
            }
            int bySize = count - belowStart - byTime;
            if (count == 0) return 0;

            try
            {
                DeleteSegmentsLocked(count);
            }
            catch (IOException e)
            {
                Offline("deleting segments of", e);
                return 0;
            }
            string reason = byTime > 0 && bySize > 0 ? "retention.ms and retention.bytes"
                : byTime > 0 ? "retention.ms"
                : bySize > 0 ? "retention.bytes"
                : "below the log start offset";
            _logger.DeletedSegments(count, TopicPartition.Topic, TopicPartition.Partition, reason, _logStartOffset);
            return count;
        }
    }

    /// <summary>
    /// What retention by time compares: the segment's largest timestamp, or (Kafka's fallback for batches without
    /// timestamps) the file's last modification.
    /// </summary>
    private static long LargestTimestamp(LogSegment segment)
    {
        long timestamp = segment.MaxTimestamp;
        if (timestamp >= 0) return timestamp;
        return new DateTimeOffset(File.GetLastWriteTimeUtc(segment.Log.Path)).ToUnixTimeMilliseconds();
    }
}
