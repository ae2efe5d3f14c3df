using System.Buffers;
using Samsa.Protocol;
using Samsa.Storage.Checkpoints;
using Samsa.Storage.Recovery;

namespace Samsa.Storage.Segments;

// Loading a segment at start-up: trusting what a clean shutdown left, or scanning every batch after a crash.
internal sealed partial class LogSegment
{
    /// <summary>
    /// Adopts the segment as a clean shutdown left it, after Kafka's sanity check of its indexes. The last segment
    /// also loads its indexes into memory and walks the batches after its last index entry to find the log end.
    /// Returns false when anything looks wrong; the caller then runs <see cref="Recover"/>.
    /// </summary>
    /// <param name="isLast">The segment becomes the active one.</param>
    /// <param name="nextSegmentBaseOffset">The following segment's base offset; <see cref="long.MaxValue"/> if
    /// last.</param>
    /// <param name="now">The clock, for a segment whose batches carry no timestamp.</param>
    public bool LoadClean(bool isLast, long nextSegmentBaseOffset, long now)
    {
        if (IndexesMissing || _log.Length > int.MaxValue || !_offsetIndex.IsSane(_size) ||
            !_timeIndex.IsSane(nextSegmentBaseOffset))
        {
            return false;
        }
        if (_timeIndex.LastEntry is { } last)
        {
            _maxTimestamp = last.Timestamp;
            _offsetOfMaxTimestamp = last.Offset;
        }
        if (!isLast)
        {
            _nextOffset = nextSegmentBaseOffset;
            return true;
        }
        Activate();
        Span<byte> chunk = stackalloc byte[WalkChunkBytes];
        if (!RestoreTailState(chunk)) return false;
        _rollingBaseTime = RollingBaseFromFirstBatch(now, chunk);
        return true;
    }

    /// <summary>
    /// Scans every batch, checking framing, CRC and offset order, rebuilds both indexes, and cuts the log at the first
    /// bad byte (a torn write, garbage, or a batch whose CRC fails). The indexes stay in memory; a segment that is
    /// not the last is then sealed by the caller.
    /// </summary>
    /// <param name="minimumOffset">The lowest base offset the first batch may have: the previous segment's end.</param>
    /// <param name="epochs">Learns the leader epoch of every batch, as a follower's appends would teach it.</param>
    /// <param name="now">The clock, for a segment whose batches carry no timestamp.</param>
    /// <param name="indexIntervalBytes">The spacing of offset index entries.</param>
    public RecoveryOutcome Recover(long minimumOffset, LeaderEpochCache? epochs, long now, int indexIntervalBytes)
    {
        IndexesMissing = false;
        WasRecovered = true;
        _offsetIndex.Entries.ResetInMemory();
        _timeIndex.Entries.ResetInMemory();
        _maxTimestamp = RecordBatchHeader.NoTimestamp;
        _offsetOfMaxTimestamp = -1;
        _bytesSinceLastIndexEntry = 0;
        _nextOffset = BaseOffset;
        long expected = Math.Max(minimumOffset, BaseOffset);

        long fileLength = _log.Length;
        int position;
        string? problem;
        using (var reader = new SegmentBatchReader(_log, 0, Math.Min(fileLength, int.MaxValue)))
        {
            while (reader.TryReadNext(out _, out RecordBatchHeader header))
            {
                if (header.BaseOffset < expected || header.LastOffsetDelta < 0 ||
                    header.LastOffset - BaseOffset > int.MaxValue)
                {
                    reader.Unread(header.SizeInBytes);
                    reader.Stop($"batch at offset {header.BaseOffset} is out of order (expected at least {expected})");
                    break;
                }
                OnBatch(header, reader.Position - header.SizeInBytes, indexIntervalBytes);
                if (header.PartitionLeaderEpoch >= 0) epochs?.Assign(header.PartitionLeaderEpoch, header.BaseOffset);
                expected = header.NextOffset;
            }
            position = reader.Position;
            problem = reader.Problem;
        }

        if (problem is null && fileLength > int.MaxValue) problem = "the segment is larger than 2 GiB";
        long truncated = fileLength - position;
        SetLogLength(position);
        Span<byte> chunk = stackalloc byte[WalkChunkBytes];
        _rollingBaseTime = RollingBaseFromFirstBatch(now, chunk);
        return new RecoveryOutcome(truncated, truncated > 0 ? problem ?? "bytes past the last batch" : null, position);
    }

    /// <summary>
    /// Cuts the segment so that its last batch ends before <paramref name="offset"/>: removes the batch holding it
    /// and everything after, from the log and both indexes. The segment becomes (or stays) the active one.
    /// </summary>
    /// <returns>The bytes removed.</returns>
    public int TruncateTo(long offset, long now)
    {
        Activate();
        Span<byte> chunk = stackalloc byte[WalkChunkBytes];
        int position = TranslateOffset(offset, _size, chunk, out _);
        int truncated = 0;
        if (position >= 0)
        {
            _offsetIndex.TruncateTo(offset);
            _timeIndex.TruncateTo(offset);
            truncated = _size - position;
            SetLogLength(position);
        }
        // A rolled segment that becomes active again knew only an upper bound of its end: walk to the real one.
        RestoreTailState(chunk);
        _rollingBaseTime = RollingBaseFromFirstBatch(now, chunk);
        return truncated;
    }

    /// <summary>
    /// Recomputes what appends track (log end, largest timestamp, bytes since the last index entry) by walking the
    /// batches after the last offset index entry. False when the walk meets something that is not a batch.
    /// </summary>
    private bool RestoreTailState(Span<byte> chunk)
    {
        int count = _offsetIndex.Count;
        int start = count == 0 ? 0 : _offsetIndex.Entries.EntryAt(count - 1).Position;
        if (_timeIndex.LastEntry is { } last)
        {
            _maxTimestamp = last.Timestamp;
            _offsetOfMaxTimestamp = last.Offset;
        }
        else
        {
            _maxTimestamp = RecordBatchHeader.NoTimestamp;
            _offsetOfMaxTimestamp = -1;
        }
        _nextOffset = BaseOffset;
        var walker = new BatchWalker(_log, BaseOffset, start, _size, chunk);
        while (walker.MoveNext())
        {
            RecordBatchHeader header = walker.Current;
            if (header.MaxTimestamp > _maxTimestamp)
            {
                _maxTimestamp = header.MaxTimestamp;
                _offsetOfMaxTimestamp = header.LastOffset;
            }
            _nextOffset = header.NextOffset;
            walker.Advance();
        }
        _bytesSinceLastIndexEntry = _size - start;
        if (start > 0 && _nextOffset == BaseOffset) return false;
        return walker.Tail == RecordsTail.None;
    }

    private long RollingBaseFromFirstBatch(long now, Span<byte> chunk)
    {
        if (_size == 0) return -1;
        var walker = new BatchWalker(_log, BaseOffset, 0, _size, chunk);
        if (!walker.MoveNext() || walker.Current.MaxTimestamp < 0) return now;
        return Math.Min(walker.Current.MaxTimestamp, now);
    }

    /// <summary>
    /// The first record at or after <paramref name="timestamp"/> whose offset is at least
    /// <paramref name="startOffset"/>, among the visible batches; null when there is none in this segment.
    /// </summary>
    public TimestampAndOffset? FindOffsetByTimestamp(long timestamp, long startOffset)
    {
        int limit = VisibleSize;
        Span<byte> chunk = stackalloc byte[WalkChunkBytes];
        int start = IndexedStart(_timeIndex.LookupStart(timestamp), limit, chunk);
        var walker = new BatchWalker(_log, BaseOffset, start, limit, chunk);
        while (walker.MoveNext())
        {
            RecordBatchHeader header = walker.Current;
            if (header.MaxTimestamp >= timestamp && header.LastOffset >= startOffset)
            {
                TimestampAndOffset? found = FindInBatch(walker.Position, header, timestamp, startOffset);
                if (found is not null) return found;
            }
            walker.Advance();
        }
        return null;
    }

    /// <summary>
    /// The first record carrying the segment's largest timestamp among the visible batches (ListOffsets'
    /// max-timestamp query, KIP-734), found from the tracked batch through the offset index without a scan; null
    /// when no batch has a timestamp.
    /// </summary>
    public TimestampAndOffset? FindMaxTimestamp()
    {
        long maxTimestamp = MaxTimestamp;
        long batchLastOffset = Volatile.Read(ref _offsetOfMaxTimestamp);
        if (maxTimestamp < 0) return null;
        int limit = VisibleSize;
        Span<byte> chunk = stackalloc byte[WalkChunkBytes];
        int start = IndexedStart(batchLastOffset, limit, chunk);
        // The tracked batch is the first to reach the maximum; walking from the index entry at or below it finds it
        // unless it is not visible yet (fsync mode) or a concurrent append moved the maximum: then the visible batches
        // are walked from the start for their own maximum (rare).
        int position = FindBatchWithMaxTimestamp(start, limit, maxTimestamp, chunk, out RecordBatchHeader header);
        if (position < 0)
        {
            long visibleMax = RecordBatchHeader.NoTimestamp;
            var walker = new BatchWalker(_log, BaseOffset, 0, limit, chunk);
            while (walker.MoveNext())
            {
                visibleMax = Math.Max(visibleMax, walker.Current.MaxTimestamp);
                walker.Advance();
            }
            if (visibleMax < 0) return null;
            maxTimestamp = visibleMax;
            position = FindBatchWithMaxTimestamp(0, limit, maxTimestamp, chunk, out header);
            if (position < 0) return null;
        }
        return FindInBatch(position, header, maxTimestamp, long.MinValue);
    }

    private int FindBatchWithMaxTimestamp(int start, int limit, long maxTimestamp, Span<byte> chunk,
        out RecordBatchHeader header)
    {
        var walker = new BatchWalker(_log, BaseOffset, start, limit, chunk);
        while (walker.MoveNext())
        {
            if (walker.Current.MaxTimestamp == maxTimestamp)
            {
                header = walker.Current;
                return walker.Position;
            }
            walker.Advance();
        }
        header = default;
        return -1;
    }

    /// <summary>Decodes one batch's records to find the first at or after the timestamp (ListOffsets is
    /// rare).</summary>
    private TimestampAndOffset? FindInBatch(int position, in RecordBatchHeader header, long timestamp, long startOffset)
    {
        int size = header.SizeInBytes;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            if (_log.Read(buffer.AsSpan(0, size), position) != size) return null;
            using RecordBatchContent content = RecordBatch.ReadRecords(buffer.AsSpan(0, size),
                MaxDecompressedBytes, verifyCrc: false);
            foreach (Record record in content)
            {
                if (record.Timestamp >= timestamp && record.Offset >= startOffset)
                    return new TimestampAndOffset(record.Timestamp, record.Offset, header.PartitionLeaderEpoch);
            }
            return null;
        }
        catch (ProtocolException)
        {
            // Records that do not decode (compressed with garbage): answer at batch level, as Kafka's shallow
            // index would.
            return new TimestampAndOffset(header.MaxTimestamp, Math.Max(header.BaseOffset, startOffset),
                header.PartitionLeaderEpoch);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The most one batch's records may decompress to when searched by timestamp.</summary>
    private const int MaxDecompressedBytes = 64 << 20;
}
