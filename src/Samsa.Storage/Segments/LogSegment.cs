using Samsa.Storage.Indexes;

namespace Samsa.Storage.Segments;

/// <summary>
/// One segment of a partition log: <c>&lt;base&gt;.log</c> holding record batches back to back as they travel on the
/// wire, with its sparse <c>.index</c> and <c>.timeindex</c>.
/// </summary>
/// <remarks>
/// The owning <see cref="PartitionLog"/> is the only writer and calls every mutating member under its lock. Readers
/// call <see cref="Read"/>, <see cref="FindOffsetByTimestamp"/> and <see cref="CopyTo"/> without locks, bounded by
/// <see cref="VisibleSize"/>, and hold a reference (<see cref="TryAcquire"/>) while they use the files, so a delete
/// never closes a handle under a reader: the files are unlinked at once and closed with the last reference.
/// </remarks>
internal sealed partial class LogSegment(
    string directory, long baseOffset, LogFile log, OffsetIndex offsetIndex, TimeIndex timeIndex)
{
    /// <summary>Header chunk for walks: a few small batches per pread, small enough for the stack.</summary>
    internal const int WalkChunkBytes = 4096;

    private readonly LogFile _log = log;
    private readonly OffsetIndex _offsetIndex = offsetIndex;
    private readonly TimeIndex _timeIndex = timeIndex;
    private readonly string _directory = directory;
    private int _size;
    private int _visibleSize;
    private long _nextOffset = baseOffset;
    private long _maxTimestamp = RecordBatchHeader.NoTimestamp;
    private long _offsetOfMaxTimestamp = -1;
    private long _rollingBaseTime = -1;
    private int _bytesSinceLastIndexEntry;
    private int _references = 1;

    public long BaseOffset { get; } = baseOffset;

    /// <summary>Bytes written (the writer's view).</summary>
    public int Size => _size;

    /// <summary>Bytes readers may see: written (replicated mode) or synced (fsync mode), at a batch boundary.</summary>
    public int VisibleSize => Volatile.Read(ref _visibleSize);

    /// <summary>The offset after the last batch; the base offset while empty.</summary>
    public long NextOffset => _nextOffset;

    /// <summary>The largest batch timestamp in the segment, or -1 when no batch has one.</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    /// <summary>When the segment's age started (ms): the first append, or the first batch's timestamp on
    /// reopen.</summary>
    public long RollingBaseTime => _rollingBaseTime;

    /// <summary>An index file was missing at open (an empty one stands in until it is rebuilt).</summary>
    public bool IndexesMissing { get; private set; }

    /// <summary>Loading scanned this segment (<see cref="Recover"/>): its bytes and rebuilt indexes need a
    /// sync.</summary>
    public bool WasRecovered { get; private set; }

    /// <summary>True when the segment holds no batch.</summary>
    public bool IsEmpty => _size == 0;

    /// <summary>True while the indexes live in memory: this is (or is about to be) the active segment.</summary>
    public bool IsActive => _offsetIndex.Entries.IsInMemory;

    public LogFile Log => _log;

    internal OffsetIndex OffsetIndex => _offsetIndex;

    internal TimeIndex TimeIndex => _timeIndex;

    /// <summary>Creates an empty segment (replacing any stale files of that name) that becomes the active
    /// one.</summary>
    public static LogSegment Create(string directory, long baseOffset, IStorageFaults? faults) =>
        Create(directory, baseOffset, faults, fileSuffix: "");

    /// <summary>
    /// Creates a log cleaner's output segment, named <c>&lt;base&gt;.log.cleaned</c> (and its indexes likewise)
    /// until <see cref="PartitionLog.ReplaceSegments"/> installs it; a crash before then deletes it at start-up.
    /// </summary>
    public static LogSegment CreateCleaned(string directory, long baseOffset, IStorageFaults? faults) =>
        Create(directory, baseOffset, faults, SegmentFiles.CleanedSuffix);

    private static LogSegment Create(string directory, long baseOffset, IStorageFaults? faults, string fileSuffix)
    {
        string logPath = SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.LogSuffix) + fileSuffix;
        string indexPath = SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.IndexSuffix) + fileSuffix;
        string timeIndexPath = SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.TimeIndexSuffix) + fileSuffix;
        File.Delete(indexPath);
        File.Delete(timeIndexPath);
        var log = LogFile.Open(logPath, FileMode.Create, faults);
        OffsetIndex? offsetIndex = null;
        try
        {
            offsetIndex = OffsetIndex.Open(indexPath, baseOffset, faults);
            var timeIndex = TimeIndex.Open(timeIndexPath, baseOffset, faults);
            var segment = new LogSegment(directory, baseOffset, log, offsetIndex, timeIndex);
            offsetIndex.Entries.ResetInMemory();
            timeIndex.Entries.ResetInMemory();
            return segment;
        }
        catch
        {
            offsetIndex?.Dispose();
            log.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Renames the three files to their segment names plus <paramref name="fileSuffix"/> (<c>.swap</c>, or empty for
    /// the final names); open handles stay valid.
    /// </summary>
    public void RenameFiles(string fileSuffix)
    {
        _log.MoveTo(SegmentFiles.PathOf(_directory, BaseOffset, SegmentFiles.LogSuffix) + fileSuffix);
        _offsetIndex.Entries.MoveTo(SegmentFiles.PathOf(_directory, BaseOffset, SegmentFiles.IndexSuffix) + fileSuffix);
        _timeIndex.Entries.MoveTo(
            SegmentFiles.PathOf(_directory, BaseOffset, SegmentFiles.TimeIndexSuffix) + fileSuffix);
    }

    /// <summary>Opens an existing segment; its state is set by <see cref="LoadClean"/> or
    /// <see cref="Recover"/>.</summary>
    public static LogSegment Open(string directory, long baseOffset, IStorageFaults? faults)
    {
        string indexPath = SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.IndexSuffix);
        string timeIndexPath = SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.TimeIndexSuffix);
        bool indexesMissing = !File.Exists(indexPath) || !File.Exists(timeIndexPath);
        var log = LogFile.Open(SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.LogSuffix), FileMode.Open,
            faults);
        OffsetIndex? offsetIndex = null;
        try
        {
            offsetIndex = OffsetIndex.Open(indexPath, baseOffset, faults);
            var timeIndex = TimeIndex.Open(timeIndexPath, baseOffset, faults);
            var segment = new LogSegment(directory, baseOffset, log, offsetIndex, timeIndex)
            {
                IndexesMissing = indexesMissing,
            };
            long length = log.Length;
            segment._size = (int)Math.Min(length, int.MaxValue);
            segment._visibleSize = segment._size;
            return segment;
        }
        catch
        {
            offsetIndex?.Dispose();
            log.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Should the next append of <paramref name="bytes"/> ending at <paramref name="lastOffset"/> go to a new
    /// segment: too big to fit, too old, or past what a relative offset can hold.
    /// </summary>
    public bool ShouldRoll(int bytes, long lastOffset, long now, LogOptions options)
    {
        if (_size == 0) return false;
        if ((long)_size + bytes > options.SegmentBytes) return true;
        if (now - _rollingBaseTime > (long)options.SegmentTime.TotalMilliseconds) return true;
        return lastOffset - BaseOffset > int.MaxValue;
    }

    /// <summary>
    /// Writes <paramref name="records"/> (whole, stamped batches) at the end and indexes them. On an exception
    /// nothing but the file's tail changed; the caller cuts it back with <see cref="CutBack"/>.
    /// </summary>
    /// <returns>The position of the first batch.</returns>
    public int Append(ReadOnlySpan<byte> records, long now, int indexIntervalBytes)
    {
        int position = _size;
        _log.Write(records, position);
        if (position == 0) _rollingBaseTime = now;
        int batchPosition = position;
        var reader = new RecordBatchReader(records);
        while (reader.MoveNext())
        {
            RecordBatchHeader header = RecordBatchHeader.Read(reader.Current);
            OnBatch(header, batchPosition, indexIntervalBytes);
            batchPosition += header.SizeInBytes;
        }
        _size = batchPosition;
        return position;
    }

    /// <summary>Restores the file's length after a failed append; may itself throw on a failing device.</summary>
    public void CutBack() => _log.SetLength(_size);

    /// <summary>Readers may now see the first <paramref name="size"/> bytes (never moves back here).</summary>
    public void Publish(int size)
    {
        if (size > Volatile.Read(ref _visibleSize)) Volatile.Write(ref _visibleSize, size);
    }

    private void OnBatch(in RecordBatchHeader header, int position, int indexIntervalBytes)
    {
        if (header.MaxTimestamp > _maxTimestamp)
        {
            _offsetOfMaxTimestamp = header.LastOffset;
            Volatile.Write(ref _maxTimestamp, header.MaxTimestamp);
        }
        if (_bytesSinceLastIndexEntry > indexIntervalBytes)
        {
            _offsetIndex.Append(header.LastOffset, position);
            _timeIndex.MaybeAppend(_maxTimestamp, _offsetOfMaxTimestamp);
            _bytesSinceLastIndexEntry = 0;
        }
        _bytesSinceLastIndexEntry += header.SizeInBytes;
        _nextOffset = header.NextOffset;
    }

    /// <summary>
    /// The position of the first batch whose last offset is at or past <paramref name="offset"/>, below
    /// <paramref name="limit"/>, or -1 when every batch ends before it.
    /// </summary>
    public int TranslateOffset(long offset, int limit, Span<byte> chunk, out RecordBatchHeader header)
    {
        // Kafka never indexes position 0, so an entry there is the "no entry" answer: scan from the start.
        OffsetPosition entry = _offsetIndex.Lookup(offset);
        if (entry.Position > 0 && entry.Position < limit)
        {
            int found = FindFrom(entry.Position, entry.Offset, offset, limit, chunk, out header, out bool trusted);
            if (trusted) return found;
            // The entry does not point at the batch it names (a corrupt file found after open): scan instead.
        }
        return FindFrom(0, -1, offset, limit, chunk, out header, out _);
    }

    private int FindFrom(int start, long entryOffset, long offset, int limit, Span<byte> chunk,
        out RecordBatchHeader header, out bool trusted)
    {
        var walker = new BatchWalker(_log, BaseOffset, start, limit, chunk);
        bool first = true;
        while (walker.MoveNext())
        {
            if (first && entryOffset >= 0 && walker.Current.LastOffset != entryOffset) break;
            first = false;
            if (walker.Current.LastOffset >= offset)
            {
                header = walker.Current;
                trusted = true;
                return walker.Position;
            }
            walker.Advance();
        }
        header = default;
        trusted = !first || entryOffset < 0;
        return -1;
    }

    /// <summary>
    /// Where a scan for <paramref name="offset"/> may start: an index entry's position once it proves to start the
    /// batch it names, else 0.
    /// </summary>
    private int IndexedStart(long offset, int limit, Span<byte> chunk)
    {
        OffsetPosition entry = _offsetIndex.Lookup(offset);
        if (entry.Position <= 0 || entry.Position >= limit) return 0;
        var walker = new BatchWalker(_log, BaseOffset, entry.Position, limit, chunk);
        return walker.MoveNext() && walker.Current.LastOffset == entry.Offset ? entry.Position : 0;
    }

    /// <summary>
    /// The whole batches from the one holding <paramref name="offset"/>, within <paramref name="maxBytes"/> (or the
    /// first batch alone when <paramref name="minOneBatch"/> and it is larger), stopping before a batch that ends at
    /// or past <paramref name="offsetLimit"/>. Null when no visible batch ends at or past <paramref name="offset"/>.
    /// </summary>
    public SegmentRead? Read(long offset, int maxBytes, long offsetLimit, bool minOneBatch)
    {
        int limit = VisibleSize;
        Span<byte> chunk = stackalloc byte[WalkChunkBytes];
        int start = TranslateOffset(offset, limit, chunk, out RecordBatchHeader first);
        if (start < 0) return null;
        if (first.LastOffset >= offsetLimit || (first.SizeInBytes > maxBytes && !minOneBatch))
            return new SegmentRead(start, 0, first.BaseOffset);

        int end = start + first.SizeInBytes;
        long maxEnd = Math.Min((long)start + maxBytes, limit);
        if (end < maxEnd)
        {
            // Jump over the middle with the index: an entry below both limits starts a batch that begins inside
            // them, and every batch before it ends inside them.
            int from = end;
            if (_offsetIndex.LookupEnd((int)maxEnd, offsetLimit) is { } jump && jump.Position > end &&
                jump.Position < limit)
            {
                var probe = new BatchWalker(_log, BaseOffset, jump.Position, limit, chunk);
                if (probe.MoveNext() && probe.Current.LastOffset == jump.Offset) from = jump.Position;
            }
            end = from;
            var walker = new BatchWalker(_log, BaseOffset, from, limit, chunk);
            while (walker.MoveNext())
            {
                RecordBatchHeader header = walker.Current;
                if (header.LastOffset >= offsetLimit || walker.Position + (long)header.SizeInBytes > maxEnd) break;
                walker.Advance();
                end = walker.Position;
            }
        }
        return new SegmentRead(start, end - start, first.BaseOffset);
    }

    /// <summary>
    /// Reads <paramref name="destination"/>'s length of log bytes at <paramref name="position"/>; returns the bytes
    /// read, fewer only if the file is shorter.
    /// </summary>
    public int CopyTo(Span<byte> destination, long position) => _log.Read(destination, position);

    /// <summary>Brings the file to exactly <paramref name="size"/> bytes, as reloaded or truncated state
    /// says.</summary>
    private void SetLogLength(int size)
    {
        if (_log.Length != size) _log.SetLength(size);
        _size = size;
        Volatile.Write(ref _visibleSize, size);
    }

    /// <summary>fdatasync of the log; of the indexes too once they are on disk (rolled segments).</summary>
    public void Flush()
    {
        _log.Sync();
        if (!IsActive)
        {
            _offsetIndex.Entries.Sync();
            _timeIndex.Entries.Sync();
        }
    }

    /// <summary>fdatasync of the log only: what fsync mode's group commit needs.</summary>
    public void SyncLog() => _log.Sync();

    /// <summary>
    /// The segment stops being active: the time index gets its final entry (the segment's largest timestamp, which
    /// retention reads) and both indexes go to disk; readers switch to the files.
    /// </summary>
    public void Seal()
    {
        _timeIndex.MaybeAppend(_maxTimestamp, _offsetOfMaxTimestamp);
        _offsetIndex.Entries.WriteToDisk();
        _timeIndex.Entries.WriteToDisk();
        _offsetIndex.Entries.DropMemory();
        _timeIndex.Entries.DropMemory();
    }

    /// <summary>A rolled segment becomes active again (truncation removed the ones after it): indexes to
    /// memory.</summary>
    public void Activate()
    {
        if (IsActive) return;
        _offsetIndex.Entries.LoadIntoMemory(_offsetIndex.Count);
        _timeIndex.Entries.LoadIntoMemory(_timeIndex.Count);
    }

    /// <summary>Writes the active segment's indexes at a clean close, so the next start trusts them.</summary>
    public void WriteIndexesForClose()
    {
        if (!IsActive) return;
        _timeIndex.MaybeAppend(_maxTimestamp, _offsetOfMaxTimestamp);
        _offsetIndex.Entries.WriteToDisk();
        _timeIndex.Entries.WriteToDisk();
        _offsetIndex.Entries.Sync();
        _timeIndex.Entries.Sync();
    }

    /// <summary>Takes a reference for a reader; false once the segment is closed or deleted.</summary>
    public bool TryAcquire()
    {
        int references = Volatile.Read(ref _references);
        while (references > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, references + 1, references);
            if (seen == references) return true;
            references = seen;
        }
        return false;
    }

    /// <summary>Drops a reference; the last one closes the files.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        _log.Dispose();
        _offsetIndex.Dispose();
        _timeIndex.Dispose();
    }

    /// <summary>
    /// Unlinks the files (the log first, so an interrupted delete leaves only indexes, which the next start
    /// removes) and drops the log's reference. Readers holding references keep reading the unlinked bytes.
    /// </summary>
    public void Delete()
    {
        File.Delete(_log.Path);
        File.Delete(_offsetIndex.Entries.Path);
        File.Delete(_timeIndex.Entries.Path);
        Release();
    }

    public override string ToString() => SegmentFiles.PathOf(_directory, BaseOffset, SegmentFiles.LogSuffix);
}
