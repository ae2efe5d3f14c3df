using Samsa.Storage.ProducerState;

namespace Samsa.Storage;

// Producer state beside the log. The leader checks each idempotent batch under the writer's lock and records it once
// written, so the state and the log move together; a follower records what it appends. A snapshot
// (<offset>.snapshot, Kafka's format) is written at each roll (at the new segment's base) and at close (at the log
// end). Opening loads the latest readable snapshot at or below the log end and replays the batch headers after it;
// truncation reloads the same way, so the state is always a function of the log.
public sealed partial class PartitionLog
{
    /// <summary>How often an append sweeps expired producers out (Kafka's
    /// producer.id.expiration.check.interval.ms).</summary>
    private static readonly long ExpirySweepIntervalMs = (long)TimeSpan.FromMinutes(10).TotalMilliseconds;

    private ProducerStateManager _producerState = null!;
    private long _lastExpirySweep;

    /// <summary>The producers this partition remembers (DescribeProducers), without expired ones.</summary>
    public List<ProducerDescription> DescribeProducers()
    {
        lock (_lock)
            return _producerState.Describe(Now);
    }

    /// <summary>Offsets of the producer snapshots on disk, ascending (tests and tools).</summary>
    public List<long> ProducerSnapshotOffsets() => ProducerSnapshotFile.List(Path);

    /// <summary>
    /// Checks a leader's batches against the producer state before they are written. Batches without a producer id
    /// (and control batches, which only the broker writes) pass. One append carries one producer's batches.
    /// </summary>
    private AppendStatus CheckProducersLocked(ReadOnlySpan<byte> records, long now, out BatchMetadata duplicate,
        out bool isDuplicate)
    {
        duplicate = default;
        isDuplicate = false;
        long producerId = RecordBatchHeader.NoProducerId;
        short epoch = 0;
        int lastSequence = 0;
        var reader = new RecordBatchReader(records);
        while (reader.MoveNext())
        {
            RecordBatchHeader header = RecordBatchHeader.Read(reader.Current);
            if (!header.HasProducerId || header.IsControl) continue;
            if (header.BaseSequence < 0) return AppendStatus.InvalidRecords;
            ProducerAppendCheck check;
            if (producerId == RecordBatchHeader.NoProducerId)
            {
                producerId = header.ProducerId;
                check = _producerState.Check(producerId, header.ProducerEpoch, header.BaseSequence,
                    header.LastSequence, now, out duplicate);
            }
            else if (header.ProducerId != producerId)
            {
                return AppendStatus.InvalidRecords;
            }
            else
            {
                check = ProducerStateManager.Check(epoch, lastSequence, null, header.ProducerEpoch,
                    header.BaseSequence, header.LastSequence, out _);
            }
            switch (check)
            {
                case ProducerAppendCheck.Duplicate:
                    isDuplicate = true;
                    return AppendStatus.Ok;
                case ProducerAppendCheck.OutOfOrderSequence:
                    return AppendStatus.OutOfOrderSequence;
                case ProducerAppendCheck.InvalidProducerEpoch:
                    return AppendStatus.InvalidProducerEpoch;
            }
            epoch = header.ProducerEpoch;
            lastSequence = header.LastSequence;
        }
        return AppendStatus.Ok;
    }

    /// <summary>Records the producer batches just written (stamped, so their offsets are final).</summary>
    private void RecordProducersLocked(ReadOnlySpan<byte> records, long now)
    {
        var reader = new RecordBatchReader(records);
        while (reader.MoveNext())
        {
            RecordBatchHeader header = RecordBatchHeader.Read(reader.Current);
            if (header.HasProducerId && !header.IsControl) _producerState.Record(header, header.MaxTimestamp);
        }
        if (now - _lastExpirySweep >= ExpirySweepIntervalMs)
        {
            _lastExpirySweep = now;
            _producerState.RemoveExpired(now);
        }
    }

    /// <summary>Writes the state as of <paramref name="offset"/>; a failure costs only replay at the next
    /// start.</summary>
    private void TakeProducerSnapshotLocked(long offset, bool sync)
    {
        string path = ProducerSnapshotFile.PathOf(Path, offset);
        try
        {
            _producerState.RemoveExpired(Now);
            ProducerSnapshotFile.Write(path, _producerState.Producers, sync);
        }
        catch (IOException e)
        {
            _logger.ProducerSnapshotFailed(path, TopicPartition.Topic, TopicPartition.Partition, e.Message);
        }
    }

    /// <summary>
    /// Rebuilds the producer state for the log as it now is: snapshots past the log end (left by a crash that cut
    /// the log, or by truncation) and below the first segment go, the latest readable one is loaded, and the batch
    /// headers from its offset to the log end are replayed. Without a snapshot after a clean shutdown (a log written
    /// before producer state existed) nothing is replayed, as Kafka does on upgrade.
    /// </summary>
    private void LoadProducerStateLocked(bool cleanShutdown)
    {
        long now = Now;
        _producerState = new ProducerStateManager(Options.ProducerIdExpiration);
        _lastExpirySweep = now;
        List<long> snapshots = ProducerSnapshotFile.List(Path);
        long firstBase = _segments[0].BaseOffset;
        for (int i = snapshots.Count - 1; i >= 0; i--)
        {
            if (snapshots[i] <= _nextOffset && snapshots[i] >= firstBase) continue;
            DeleteSnapshot(snapshots[i]);
            snapshots.RemoveAt(i);
        }
        long from = _logStartOffset;
        long loadedFrom = -1;
        for (int i = snapshots.Count - 1; i >= 0 && loadedFrom < 0; i--)
        {
            string path = ProducerSnapshotFile.PathOf(Path, snapshots[i]);
            try
            {
                foreach ((long producerId, short epoch, BatchMetadata batch) in ProducerSnapshotFile.Read(path))
                    _producerState.Record(producerId, epoch, batch);
                loadedFrom = snapshots[i];
                from = loadedFrom;
            }
            catch (InvalidDataException e)
            {
                _producerState.Clear();
                _logger.DeletedCorruptProducerSnapshot(path, TopicPartition.Topic, TopicPartition.Partition, e.Message);
                DeleteSnapshot(snapshots[i]);
            }
        }
        if (loadedFrom < 0 && cleanShutdown) return;
        int replayed = from < _nextOffset ? ReplayProducersLocked(from) : 0;
        _producerState.RemoveExpired(now);
        if (_producerState.Count > 0 || replayed > 0)
        {
            _logger.LoadedProducerState(_producerState.Count, TopicPartition.Topic, TopicPartition.Partition,
                loadedFrom, replayed);
        }
    }

    /// <summary>Records the producer batches from <paramref name="from"/> to the log end; returns how many.</summary>
    private int ReplayProducersLocked(long from)
    {
        Span<byte> chunk = stackalloc byte[LogSegment.WalkChunkBytes];
        LogSegment[] segments = _segments;
        int replayed = 0;
        for (int i = 0; i < segments.Length; i++)
        {
            LogSegment segment = segments[i];
            if (i + 1 < segments.Length && segments[i + 1].BaseOffset <= from) continue;
            int position = segment.TranslateOffset(from, segment.Size, chunk, out _);
            if (position < 0) continue;
            var walker = new BatchWalker(segment.Log, segment.BaseOffset, position, segment.Size, chunk);
            while (walker.MoveNext())
            {
                RecordBatchHeader header = walker.Current;
                if (header.HasProducerId && !header.IsControl && header.LastOffset >= from)
                {
                    _producerState.Record(header, header.MaxTimestamp);
                    replayed++;
                }
                walker.Advance();
            }
        }
        return replayed;
    }

    /// <summary>Deletes the snapshots below <paramref name="offset"/> (their segments are gone).</summary>
    private void DeleteProducerSnapshotsBelow(long offset)
    {
        foreach (long snapshot in ProducerSnapshotFile.List(Path))
        {
            if (snapshot < offset) DeleteSnapshot(snapshot);
        }
    }

    private void DeleteSnapshot(long offset)
    {
        try
        {
            File.Delete(ProducerSnapshotFile.PathOf(Path, offset));
        }
        catch (IOException)
        {
        }
    }
}
