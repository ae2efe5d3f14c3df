using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Samsa.Storage.ProducerState;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Storage;

// Appends: the produce path (leader) and the replication path (follower). Both write the records blob with one
// pwrite into the active segment; neither decodes records.
public sealed partial class PartitionLog
{
    /// <summary>
    /// Appends record batches as a leader: stamps each batch's base offset (from the log end) and partition leader
    /// epoch in place, both outside the CRC (and, under LogAppendTime, the leader's clock, which recomputes the
    /// CRC), and writes them.
    /// </summary>
    /// <param name="records">Whole v2 batches whose header and CRC the caller validated; stamped in place. The
    /// bytes are written before this method returns, so the buffer may be reused then even if the task is still
    /// pending.</param>
    /// <param name="leaderEpoch">The leader's epoch, stamped into every batch.</param>
    /// <returns>
    /// Completes synchronously and without allocating in replicated mode; in fsync mode, once a group-committed
    /// fdatasync covers the batches. Failures are statuses, never exceptions.
    /// </returns>
    public ValueTask<AppendResult> AppendAsync(Memory<byte> records, int leaderEpoch) =>
        Append(records.Span, leaderEpoch, assignOffsets: true);

    /// <summary>
    /// Appends a follower's batches as the leader stamped them: offsets and epochs kept, each batch starting at or
    /// after the log end offset.
    /// </summary>
    /// <param name="records">Whole v2 batches, typically a fetch response's records; written as they are.</param>
    public ValueTask<AppendResult> AppendAsFollowerAsync(ReadOnlyMemory<byte> records) =>
        Append(MemoryMarshal.AsMemory(records).Span, -1, assignOffsets: false);

    private ValueTask<AppendResult> Append(Span<byte> records, int leaderEpoch, bool assignOffsets)
    {
        lock (_lock)
        {
            AppendResult result = AppendLocked(records, leaderEpoch, assignOffsets);
            if (result.Status != AppendStatus.Ok || Options.FlushMode != LogFlushMode.Fsync)
                return new ValueTask<AppendResult>(result);
            // A duplicate is answered once its original is as durable as a new append would be.
            if (result.IsDuplicate && result.LastOffset < Volatile.Read(ref _logEndOffset))
                return new ValueTask<AppendResult>(result);
            LogSegment active = Active;
            return _groupCommit.Enqueue(active, active.Size, _nextOffset, result);
        }
    }

    private AppendResult AppendLocked(Span<byte> records, int leaderEpoch, bool assignOffsets)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_directory.IsOffline) return AppendResult.Failed(AppendStatus.StorageError);
        LogOptions options = Options;
        AppendStatus framed = FrameLocked(records, assignOffsets, out long firstOffset, out long nextOffset,
            out int maxEpoch, out bool producers);
        if (framed != AppendStatus.Ok) return AppendResult.Failed(framed);
        if (records.Length > options.SegmentBytes) return AppendResult.Failed(AppendStatus.RecordBatchTooLarge);

        long now = Now;
        if (producers && assignOffsets && !PassesProducerChecksLocked(records, now, out AppendResult answer))
            return answer;
        long lastOffset = nextOffset - 1;
        if (Active.ShouldRoll(records.Length, lastOffset, now, options))
        {
            AppendStatus rolled = RollLocked(firstOffset);
            if (rolled != AppendStatus.Ok) return AppendResult.Failed(rolled);
        }

        long logAppendTime = -1;
        if (assignOffsets) logAppendTime = Stamp(records, _nextOffset, leaderEpoch, options, now);

        LogSegment active = Active;
        int position;
        try
        {
            position = active.Append(records, now, options.IndexIntervalBytes);
        }
        catch (IOException e)
        {
            return AppendResult.Failed(OnAppendFailed(active, e));
        }
        _nextOffset = nextOffset;
        if (producers) RecordProducersLocked(records, now);

        int epoch = assignOffsets ? leaderEpoch : maxEpoch;
        if (epoch > _epochs.LatestEpoch && !TryAssignEpochs(records, leaderEpoch, firstOffset, assignOffsets))
            return AppendResult.Failed(AppendStatus.StorageError);

        if (options.FlushMode == LogFlushMode.Replicated)
        {
            active.Publish(active.Size);
            Volatile.Write(ref _logEndOffset, nextOffset);
        }
        return new AppendResult(AppendStatus.Ok, firstOffset, lastOffset, logAppendTime, active.BaseOffset, position);
    }

    /// <summary>
    /// Frames the blob under the lock: whole v2 batches only, and for a follower offsets at or after the log end, in
    /// order. Gives the first offset and the log end after the append (from the log end when
    /// <paramref name="assignOffsets"/>, else from the batches), a follower's highest leader epoch, and whether a
    /// batch has a producer id.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private AppendStatus FrameLocked(ReadOnlySpan<byte> records, bool assignOffsets, out long firstOffset,
        out long nextOffset, out int maxEpoch, out bool producers)
    {
        nextOffset = _nextOffset;
        firstOffset = -1;
        maxEpoch = -1;
        producers = false;
        var reader = new RecordBatchReader(records);
        while (reader.MoveNext())
        {
            if (!RecordBatchHeader.TryRead(reader.Current, out RecordBatchHeader header) ||
                header.Magic != L.CurrentMagic || header.LastOffsetDelta < 0)
            {
                return AppendStatus.InvalidRecords;
            }
            producers |= header.HasProducerId;
            if (assignOffsets)
            {
                if (firstOffset < 0) firstOffset = nextOffset;
                nextOffset += header.LastOffsetDelta + 1L;
            }
            else
            {
                if (header.BaseOffset < nextOffset) return AppendStatus.OffsetOutOfOrder;
                if (firstOffset < 0) firstOffset = header.BaseOffset;
                nextOffset = header.NextOffset;
                maxEpoch = Math.Max(maxEpoch, header.PartitionLeaderEpoch);
            }
        }
        if (reader.Tail != RecordsTail.None || firstOffset < 0) return AppendStatus.InvalidRecords;
        return AppendStatus.Ok;
    }

    /// <summary>
    /// Checks a leader's batches against the producer state, under the lock. False when the append stops here, with
    /// <paramref name="answer"/>: the check's failure, or, for a retry of batches already in the log, their offsets.
    /// </summary>
    private bool PassesProducerChecksLocked(ReadOnlySpan<byte> records, long now, out AppendResult answer)
    {
        AppendStatus checkedStatus = CheckProducersLocked(records, now, out BatchMetadata duplicate,
            out bool isDuplicate);
        if (checkedStatus != AppendStatus.Ok)
        {
            answer = AppendResult.Failed(checkedStatus);
            return false;
        }
        if (isDuplicate)
        {
            answer = new AppendResult(AppendStatus.Ok, duplicate.FirstOffset, duplicate.LastOffset, -1, -1, -1)
            {
                IsDuplicate = true,
            };
            return false;
        }
        answer = default;
        return true;
    }

    /// <summary>Stamps offsets, epoch and (LogAppendTime) the clock into each batch; returns the stamped time or
    /// -1.</summary>
    private static long Stamp(Span<byte> records, long baseOffset, int leaderEpoch, LogOptions options, long now)
    {
        bool appendTime = options.MessageTimestampType == TimestampType.LogAppendTime;
        long offset = baseOffset;
        int position = 0;
        while (position < records.Length)
        {
            RecordBatchHeader header = RecordBatchHeader.Read(records[position..]);
            Span<byte> batch = records.Slice(position, header.SizeInBytes);
            RecordBatch.SetBaseOffset(batch, offset);
            RecordBatch.SetPartitionLeaderEpoch(batch, leaderEpoch);
            if (appendTime) RecordBatch.SetLogAppendTime(batch, now);
            offset += header.LastOffsetDelta + 1L;
            position += header.SizeInBytes;
        }
        return appendTime ? now : -1;
    }

    /// <summary>New leader epochs start in this append: record them (rare: once per leader change).</summary>
    private bool TryAssignEpochs(ReadOnlySpan<byte> records, int leaderEpoch, long firstOffset, bool assignOffsets)
    {
        try
        {
            if (assignOffsets)
            {
                _epochs.Assign(leaderEpoch, firstOffset);
                return true;
            }
            var reader = new RecordBatchReader(records);
            while (reader.MoveNext())
            {
                RecordBatchHeader header = RecordBatchHeader.Read(reader.Current);
                if (header.PartitionLeaderEpoch > _epochs.LatestEpoch)
                    _epochs.Assign(header.PartitionLeaderEpoch, header.BaseOffset);
            }
            return true;
        }
        catch (IOException e)
        {
            Offline("writing the leader epoch checkpoint of", e);
            return false;
        }
    }

    /// <summary>
    /// A write failed: cut the partial bytes off. A full disk fails only this append; anything else, or a failed
    /// cut, takes the directory offline.
    /// </summary>
    private AppendStatus OnAppendFailed(LogSegment active, IOException error)
    {
        try
        {
            active.CutBack();
        }
        catch (IOException cutError)
        {
            Offline("cutting back a failed append to", cutError);
            return AppendStatus.StorageError;
        }
        if (LogFile.IsDiskFull(error))
        {
            _logger.DiskFull(TopicPartition.Topic, TopicPartition.Partition, active.ToString());
            return AppendStatus.DiskFull;
        }
        Offline("appending to", error);
        return AppendStatus.StorageError;
    }
}
