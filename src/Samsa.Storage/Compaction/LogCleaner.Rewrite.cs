using System.Buffers;
using Samsa.Protocol;
using Samsa.Storage.Compaction;

namespace Samsa.Storage;

// The second half of a pass: rewrite every rolled segment below the mapped end, from the log's first, in groups that
// fit segment.bytes, keeping per batch (as Kafka's cleanInto and MemoryRecords.filterTo decide):
// - a record whose key has no later record in the map (records past the mapped end are not judged yet);
// - a tombstone only until the batch's delete horizon, which the first pass that keeps it sets;
// - no record without a key (Kafka refuses them on produce to a compacted topic), none of an aborted transaction;
// - a transaction marker while the pass still meets its transaction's batches, then until its delete horizon;
// - a batch whose records all go as an empty batch (header only) when it is a live producer's last (its sequence
//   number) or the group's last (so a .swap found after a crash covers exactly the segments it replaces).
// A batch that keeps every record and needs no horizon is copied byte for byte.
public sealed partial class LogCleaner
{
    private CleanStatus RewriteSegments(Pass pass)
    {
        LogSegment[] segments = pass.Segments;
        int count = 0;
        while (count < segments.Length - 1 && segments[count].BaseOffset < pass.MapEnd)
            count++;
        var transactions = new CleanedTransactions(pass.Scan.Aborted, segments[0].BaseOffset);
        for (int first = 0; first < count;)
        {
            int end = GroupEnd(pass, first, count);
            CleanStatus status = CleanGroup(pass, new ArraySegment<LogSegment>(segments, first, end - first),
                transactions);
            if (status != CleanStatus.Cleaned) return status;
            first = end;
        }
        return CleanStatus.Cleaned;
    }

    /// <summary>
    /// Kafka's groupSegmentsBySize: from <paramref name="first"/>, as many segments as fit segment.bytes together
    /// and keep every offset within int32 of the group's base (bounding a segment's last offset by the next one's
    /// base).
    /// </summary>
    private static int GroupEnd(Pass pass, int first, int count)
    {
        LogSegment[] segments = pass.Segments;
        long size = segments[first].Size;
        int end = first + 1;
        while (end < count)
        {
            LogSegment next = segments[end];
            long lastOffset = (end + 1 < segments.Length ? segments[end + 1].BaseOffset : pass.MapEnd) - 1;
            if (size + next.Size > pass.Options.SegmentBytes ||
                (next.Size > 0 && lastOffset - segments[first].BaseOffset > int.MaxValue))
            {
                break;
            }
            size += next.Size;
            end++;
        }
        return end;
    }

    private CleanStatus CleanGroup(Pass pass, ArraySegment<LogSegment> group, CleanedTransactions transactions)
    {
        PartitionLog log = pass.Log;
        LogSegment cleaned;
        try
        {
            cleaned = LogSegment.CreateCleaned(log.Path, group[0].BaseOffset, log.Faults);
        }
        catch (IOException e)
        {
            return OnWriteFailed(pass, e);
        }
        // Until the swap the output is the cleaner's to delete; from the swap on the log decides, and an exception
        // thrown out of the swap leaves the files as a crash would, for the next start to finish or undo.
        bool deleteOnExit = true;
        try
        {
            _output.Clear();
            long bytesRead = 0;
            for (int i = 0; i < group.Count; i++)
            {
                LogSegment segment = group[i];
                bytesRead += segment.Size;
                using var reader = new SegmentBatchReader(segment.Log, 0, segment.Size);
                while (reader.TryReadNext(out ReadOnlySpan<byte> batch, out RecordBatchHeader header))
                {
                    bool lastOfGroup = i == group.Count - 1 && reader.Position == segment.Size;
                    CleanBatch(pass, transactions, batch, header, lastOfGroup);
                    if (_output.WrittenCount >= WriteChunkBytes) WriteOutput(pass, cleaned);
                }
                if (reader.Problem is not null) return ReadFailed(pass, segment, reader.Problem);
            }
            WriteOutput(pass, cleaned);
            cleaned.Seal();
            cleaned.Flush();
            // Kafka keeps the replaced segments' modification time: retention of batches without timestamps reads it.
            File.SetLastWriteTimeUtc(cleaned.Log.Path, File.GetLastWriteTimeUtc(group[^1].Log.Path));

            deleteOnExit = false;
            CleanStatus status = log.ReplaceSegments(cleaned, group, pass.Truncations);
            deleteOnExit = status == CleanStatus.Aborted;
            if (status == CleanStatus.Cleaned)
            {
                pass.SegmentsRewritten += group.Count;
                pass.BytesRead += bytesRead;
                pass.BytesWritten += cleaned.Size;
            }
            return status;
        }
        catch (IOException e)
        {
            return OnWriteFailed(pass, e);
        }
        finally
        {
            if (deleteOnExit) DeleteQuietly(cleaned);
        }
    }

    private void WriteOutput(Pass pass, LogSegment cleaned)
    {
        if (_output.WrittenCount == 0) return;
        cleaned.Append(_output.WrittenSpan, pass.Now, pass.Options.IndexIntervalBytes);
        _output.Clear();
    }

    private CleanStatus OnWriteFailed(Pass pass, IOException error)
    {
        if (LogFile.IsDiskFull(error))
        {
            _logger.CleanerDiskFull(pass.Log.TopicPartition.Topic, pass.Log.TopicPartition.Partition);
            return CleanStatus.DiskFull;
        }
        return pass.Log.OnCleanerIOError(error);
    }

    private static void DeleteQuietly(LogSegment cleaned)
    {
        try
        {
            cleaned.Delete();
        }
        catch (IOException)
        {
            // A .cleaned file left behind is removed at the next start.
        }
    }

    private void CleanBatch(Pass pass, CleanedTransactions transactions, ReadOnlySpan<byte> batch,
        in RecordBatchHeader header, bool lastOfGroup)
    {
        long now = pass.Now;
        pass.RecordsRead += header.RecordCount;
        bool isControl = header.IsControl;
        bool canDiscard = isControl
            ? transactions.OnControlBatchRead(header, LogScan.ReadMarkerType(batch))
            : transactions.OnBatchRead(header);
        // A marker goes only once its horizon passed; an aborted transaction's data goes at once.
        bool discardRecords = isControl
            ? canDiscard && header.HasDeleteHorizon && header.BaseTimestamp <= now
            : canDiscard;
        bool retainEmpty = lastOfGroup ||
            pass.Scan.IsLastBatchOfActiveProducer(header, now, _options.ProducerIdExpiration);

        if (discardRecords || header.RecordCount == 0)
            KeepEmptyIf(retainEmpty, batch, header);
        else
            FilterRecords(pass, batch, header, retainEmpty, removableMarker: isControl && canDiscard);
    }

    /// <summary>Decodes the batch's records and writes those that stay; a batch whose records do not decode is kept
    /// whole, with a warning.</summary>
    private void FilterRecords(Pass pass, ReadOnlySpan<byte> batch, in RecordBatchHeader header, bool retainEmpty,
        bool removableMarker)
    {
        RecordBatchContent content;
        try
        {
            content = RecordBatch.ReadRecords(batch, _options.MaxBatchDecompressedBytes, verifyCrc: false);
        }
        catch (ProtocolException e)
        {
            KeepWhole(pass, batch, header, e.Message);
            return;
        }
        using (content)
        {
            if (header.RecordCount > content.Records.Length)
            {
                KeepWhole(pass, batch, header,
                    $"{header.RecordCount} records cannot fit {content.Records.Length} bytes");
                return;
            }
            if (_kept.Length < header.RecordCount) _kept = new bool[Math.Max(header.RecordCount, _kept.Length * 2)];
            Span<bool> kept = _kept.AsSpan(0, header.RecordCount);
            int keptCount;
            bool tombstones;
            try
            {
                keptCount = JudgeRecords(pass, header, content, kept, out tombstones);
            }
            catch (ProtocolException e)
            {
                KeepWhole(pass, batch, header, e.Message);
                return;
            }

            if (keptCount == 0)
            {
                KeepEmptyIf(retainEmpty, batch, header);
                return;
            }
            WriteRetained(pass, batch, header, content.Records, kept, keptCount,
                removable: tombstones || removableMarker);
        }
    }

    /// <summary>Marks in <paramref name="kept"/> which records of the batch stay (all of a control batch) and
    /// returns how many; <paramref name="tombstones"/> tells whether a kept data record is one. Throws
    /// <see cref="ProtocolException"/> when the records do not decode.</summary>
    private int JudgeRecords(Pass pass, in RecordBatchHeader header, in RecordBatchContent content, Span<bool> kept,
        out bool tombstones)
    {
        bool isControl = header.IsControl;
        int keptCount = 0;
        tombstones = false;
        int index = 0;
        foreach (Record record in content)
        {
            bool keep = isControl || ShouldRetainRecord(pass, header, record);
            kept[index++] = keep;
            if (!keep) continue;
            keptCount++;
            tombstones |= record.IsValueNull && !isControl;
        }
        return keptCount;
    }

    /// <summary>Writes the batch's kept records: its bytes as they are when it keeps them all and needs no new
    /// horizon, else a rewritten batch. A <paramref name="removable"/> batch (tombstones, or a marker whose
    /// transaction is done) gets a delete horizon, which the pass remembers for its next run.</summary>
    private void WriteRetained(Pass pass, ReadOnlySpan<byte> batch, in RecordBatchHeader header,
        ReadOnlySpan<byte> records, ReadOnlySpan<bool> kept, int keptCount, bool removable)
    {
        pass.RecordsKept += keptCount;
        bool needsHorizon = removable && !header.HasDeleteHorizon;
        long horizon = needsHorizon
            ? SaturatingAdd(pass.Now, (long)pass.Options.DeleteRetention.TotalMilliseconds)
            : header.HasDeleteHorizon ? header.BaseTimestamp : -1;
        if (keptCount == header.RecordCount && !needsHorizon)
            _output.Write(batch);
        else
            BatchRewriter.WriteKept(_output, header, records, kept, horizon, _scratch);
        // The pass after the horizon can empty this batch (records past the mapped end are not judged yet).
        if (removable && horizon >= 0 && header.LastOffset < pass.MapEnd)
            pass.NextDeleteHorizon = Math.Min(pass.NextDeleteHorizon, horizon);
    }

    private bool ShouldRetainRecord(Pass pass, in RecordBatchHeader header, Record record)
    {
        if (record.Offset >= pass.MapEnd) return true;
        if (record.IsKeyNull)
        {
            pass.NullKeys++;
            return false;
        }
        long latest = _map.Get(record.Key);
        if (record.Offset < latest) return false;
        if (!record.IsValueNull) return true;
        return !header.HasDeleteHorizon || pass.Now < header.BaseTimestamp;
    }

    private void KeepEmptyIf(bool retainEmpty, ReadOnlySpan<byte> batch, in RecordBatchHeader header)
    {
        if (!retainEmpty) return;
        if (header.RecordCount == 0) _output.Write(batch);
        else BatchRewriter.WriteEmpty(_output, header);
    }

    private void KeepWhole(Pass pass, ReadOnlySpan<byte> batch, in RecordBatchHeader header, string reason)
    {
        WarnUndecodable(pass, header, reason);
        pass.RecordsKept += header.RecordCount;
        _output.Write(batch);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
