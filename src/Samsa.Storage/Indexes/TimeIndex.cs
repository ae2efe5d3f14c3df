namespace Samsa.Storage.Indexes;

/// <summary>
/// A segment's sparse <c>.timeindex</c>: alongside each offset index entry, the largest timestamp so far and the
/// last offset of the batch that carried it, appended only when the timestamp grows; a rolled segment ends with its
/// largest timestamp, which retention by time reads.
/// </summary>
/// <remarks>Threading as <see cref="SegmentIndex{TEntry}"/>: one writer, lock-free readers.</remarks>
internal sealed class TimeIndex : IDisposable
{
    private readonly SegmentIndex<TimestampOffset> _entries;

    private TimeIndex(SegmentIndex<TimestampOffset> entries) => _entries = entries;

    public SegmentIndex<TimestampOffset> Entries => _entries;

    public int Count => _entries.Count;

    public static TimeIndex Open(string path, long baseOffset, IStorageFaults? faults) =>
        new(SegmentIndex<TimestampOffset>.Open(path, baseOffset, faults));

    /// <summary>The last entry, or null for an empty index.</summary>
    public TimestampOffset? LastEntry
    {
        get
        {
            int count = _entries.Count;
            return count == 0 ? null : _entries.EntryAt(count - 1);
        }
    }

    /// <summary>Appends when <paramref name="timestamp"/> exceeds the last entry's: timestamps only ascend.</summary>
    public void MaybeAppend(long timestamp, long offset)
    {
        if (timestamp < 0) return;
        if (LastEntry is { } last && (timestamp <= last.Timestamp || offset < last.Offset)) return;
        _entries.Append(new TimestampOffset(timestamp, offset));
    }

    /// <summary>
    /// The offset to start scanning from for the first record at or after <paramref name="timestamp"/>: every batch
    /// before the batch ending at the returned offset has only smaller timestamps. The segment's base when no entry
    /// is smaller.
    /// </summary>
    public long LookupStart(long timestamp)
    {
        int found = _entries.FindLast(new TimestampBelow(timestamp));
        return found < 0 ? _entries.BaseOffset : _entries.EntryAt(found).Offset;
    }

    /// <summary>Drops the entries for batches ending at or past <paramref name="offset"/>.</summary>
    public void TruncateTo(long offset) => _entries.TruncateTo(_entries.FindLast(new OffsetBelow(offset)) + 1);

    /// <summary>Whole entries, ascending, inside the segment's offsets (first and last entries only, as
    /// Kafka).</summary>
    public bool IsSane(long nextOffset)
    {
        if (_entries.FileLength % TimestampOffset.Size != 0) return false;
        int count = _entries.Count;
        if (count == 0) return true;
        TimestampOffset first = _entries.EntryAt(0);
        TimestampOffset last = _entries.EntryAt(count - 1);
        return first.Offset >= _entries.BaseOffset && last.Offset >= first.Offset &&
            last.Timestamp >= first.Timestamp && last.Offset < nextOffset;
    }

    public void Dispose() => _entries.Dispose();

    private readonly struct TimestampBelow(long timestamp) : IIndexPredicate<TimestampOffset>
    {
        public bool Matches(in TimestampOffset entry) => entry.Timestamp < timestamp;
    }

    private readonly struct OffsetBelow(long offset) : IIndexPredicate<TimestampOffset>
    {
        public bool Matches(in TimestampOffset entry) => entry.Offset < offset;
    }
}
