namespace Samsa.Storage;

// Reads: lock-free, against a snapshot of the segments and the visible end.
public sealed partial class PartitionLog
{
    /// <summary>A read whose segment vanished (retention, truncation) retries against the new segments this
    /// often.</summary>
    private const int ReadAttempts = 4;

    /// <summary>
    /// Reads whole stored batches from the one holding <paramref name="offset"/>, within one segment, as a file
    /// region (see <see cref="LogReadResult"/> for ownership).
    /// </summary>
    /// <param name="offset">The first offset wanted; the batch holding it comes whole, so earlier offsets of that
    /// batch come too (clients skip them, as with Kafka).</param>
    /// <param name="maxBytes">The most bytes to return, in whole batches.</param>
    /// <param name="maxOffset">Batches ending at or past this offset are left out: the high watermark for a
    /// consumer's fetch.</param>
    /// <param name="minOneBatch">Return the first batch even if it exceeds <paramref name="maxBytes"/>, as Kafka
    /// does for the first partition of a fetch, so a large batch cannot stall a consumer.</param>
    public LogReadResult Read(long offset, int maxBytes, long maxOffset = long.MaxValue, bool minOneBatch = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        for (int attempt = 0; ; attempt++)
        {
            long end = LogEndOffset;
            long start = LogStartOffset;
            if (_directory.IsOffline) return LogReadResult.Failed(ReadStatus.StorageError, start, end);
            if (offset < start || offset > end) return LogReadResult.Failed(ReadStatus.OffsetOutOfRange, start, end);
            if (offset == end) return LogReadResult.Empty(start, end);

            long offsetLimit = Math.Min(maxOffset, end);
            LogSegment[] segments = Volatile.Read(ref _segments);
            bool vanished = false;
            for (int i = Math.Max(FloorSegment(segments, offset), 0); i < segments.Length; i++)
            {
                LogSegment segment = segments[i];
                if (!segment.TryAcquire())
                {
                    vanished = true;
                    break;
                }
                bool handedOver = false;
                try
                {
                    if (segment.Read(offset, maxBytes, offsetLimit, minOneBatch) is { } read)
                    {
                        if (read.Length == 0) return LogReadResult.Empty(start, end);
                        handedOver = true;
                        return LogReadResult.Region(start, end, segment, read);
                    }
                }
                catch (IOException e)
                {
                    Offline("reading", e);
                    return LogReadResult.Failed(ReadStatus.StorageError, start, end);
                }
                finally
                {
                    if (!handedOver) segment.Release();
                }
            }
            if (!vanished || attempt + 1 == ReadAttempts) return LogReadResult.Empty(start, end);
        }
    }

    /// <summary>
    /// The first record whose timestamp is at or after <paramref name="timestamp"/> (ListOffsets), at or above the
    /// log start offset; <paramref name="found"/> is null when no record is that late.
    /// </summary>
    public ReadStatus FindOffsetByTimestamp(long timestamp, out TimestampAndOffset? found)
    {
        found = null;
        if (_directory.IsOffline) return ReadStatus.StorageError;
        long start = LogStartOffset;
        LogSegment[] segments = Volatile.Read(ref _segments);
        foreach (LogSegment segment in segments)
        {
            // Segments whose largest timestamp is below the target cannot hold it; the first that reaches it does,
            // unless its records above the target are all below the log start offset.
            if (segment.MaxTimestamp < timestamp || !segment.TryAcquire()) continue;
            try
            {
                found = segment.FindOffsetByTimestamp(timestamp, start);
            }
            catch (IOException e)
            {
                Offline("searching by timestamp in", e);
                return ReadStatus.StorageError;
            }
            finally
            {
                segment.Release();
            }
            if (found is not null) return ReadStatus.Ok;
        }
        return ReadStatus.Ok;
    }

    /// <summary>
    /// The record with the largest timestamp in the log, with that timestamp (ListOffsets with timestamp -3,
    /// KIP-734): the first such record of the first segment holding the maximum, as Kafka answers.
    /// <paramref name="found"/> is null when the log is empty or no batch carries a timestamp.
    /// </summary>
    /// <remarks>Each segment keeps its largest timestamp and the batch that carried it, so this reads one index
    /// lookup and one batch, whatever the log's size.</remarks>
    public ReadStatus FindMaxTimestamp(out TimestampAndOffset? found)
    {
        found = null;
        if (_directory.IsOffline) return ReadStatus.StorageError;
        for (int attempt = 0; attempt < ReadAttempts; attempt++)
        {
            LogSegment? latest = null;
            foreach (LogSegment segment in Volatile.Read(ref _segments))
            {
                if (segment.MaxTimestamp > (latest?.MaxTimestamp ?? RecordBatchHeader.NoTimestamp)) latest = segment;
            }
            if (latest is null) return ReadStatus.Ok;
            // Deleted meanwhile (retention, truncation, a cleaner's swap): look again.
            if (!latest.TryAcquire()) continue;
            try
            {
                found = latest.FindMaxTimestamp();
                return ReadStatus.Ok;
            }
            catch (IOException e)
            {
                Offline("searching the largest timestamp in", e);
                return ReadStatus.StorageError;
            }
            finally
            {
                latest.Release();
            }
        }
        return ReadStatus.Ok;
    }
}
