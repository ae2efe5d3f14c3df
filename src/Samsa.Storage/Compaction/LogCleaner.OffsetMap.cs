using Samsa.Protocol;
using Samsa.Storage.Compaction;

namespace Samsa.Storage;

// The first half of a pass: map every key of the dirty part to the offset of its last record. Aborted transactions'
// records stay out of the map (they must not hide a committed value), as do records without a key. When the map's
// budget runs out the pass cleans only up to the batch where it filled, and the next pass goes on from there.
public sealed partial class LogCleaner
{
    private CleanStatus BuildOffsetMap(Pass pass, long end)
    {
        _map.Clear();
        long firstDirty = pass.FirstDirtyOffset;
        pass.MapEnd = firstDirty;
        if (end <= firstDirty) return CleanStatus.Cleaned;

        var transactions = new CleanedTransactions(pass.Scan.Aborted, firstDirty);
        Span<byte> chunk = stackalloc byte[LogSegment.WalkChunkBytes];
        LogSegment[] segments = pass.Segments;
        for (int i = 0; i < segments.Length - 1 && segments[i].BaseOffset < end; i++)
        {
            LogSegment segment = segments[i];
            if (segments[i + 1].BaseOffset <= firstDirty) continue;
            int start = segment.TranslateOffset(firstDirty, segment.Size, chunk, out _);
            if (start < 0) continue;
            using var reader = new SegmentBatchReader(segment.Log, start, segment.Size);
            while (reader.TryReadNext(out ReadOnlySpan<byte> batch, out RecordBatchHeader header))
            {
                if (header.IsControl)
                {
                    transactions.OnControlBatchRead(header, LogScan.ReadMarkerType(batch));
                }
                else if (!transactions.OnBatchRead(header))
                {
                    if (_map.Count + (long)header.RecordCount > _map.MaxEntries)
                    {
                        if (_map.Count > 0)
                        {
                            pass.MapEnd = Math.Max(firstDirty, header.BaseOffset);
                            return CleanStatus.Cleaned;
                        }
                        _logger.BatchTooLargeForMap(pass.Log.TopicPartition.Topic, pass.Log.TopicPartition.Partition,
                            header.BaseOffset, header.RecordCount, _map.MaxEntries);
                        return CleanStatus.NotNeeded;
                    }
                    MapKeys(pass, batch, header, firstDirty);
                }
                pass.MapEnd = Math.Max(pass.MapEnd, header.NextOffset);
            }
            if (reader.Problem is not null) return ReadFailed(pass, segment, reader.Problem);
        }
        pass.MapEnd = end;
        return CleanStatus.Cleaned;
    }

    private void MapKeys(Pass pass, ReadOnlySpan<byte> batch, in RecordBatchHeader header, long firstDirty)
    {
        try
        {
            using RecordBatchContent content = RecordBatch.ReadRecords(batch, _options.MaxBatchDecompressedBytes,
                verifyCrc: false);
            foreach (Record record in content)
            {
                if (!record.IsKeyNull && record.Offset >= firstDirty) _map.Put(record.Key, record.Offset);
            }
        }
        catch (ProtocolException e)
        {
            // Its keys stay unknown: nothing older is dropped for them, and the rewrite keeps the batch whole.
            WarnUndecodable(pass, header, e.Message);
        }
    }

    private void WarnUndecodable(Pass pass, in RecordBatchHeader header, string reason)
    {
        if (pass.WarnedUndecodable) return;
        pass.WarnedUndecodable = true;
        _logger.KeptUndecodableBatch(pass.Log.TopicPartition.Topic, pass.Log.TopicPartition.Partition,
            header.BaseOffset, reason);
    }

    /// <summary>A segment stopped being batches: a truncation under the pass, or corruption on disk.</summary>
    private CleanStatus ReadFailed(Pass pass, LogSegment segment, string problem)
    {
        if (pass.Log.Truncations != pass.Truncations) return CleanStatus.Aborted;
        _logger.CleanerFoundCorruption(pass.Log.TopicPartition.Topic, pass.Log.TopicPartition.Partition,
            segment.ToString(), problem);
        return CleanStatus.Corrupt;
    }
}
