namespace Samsa.Storage.Indexes;

/// <summary>
/// A segment's sparse <c>.index</c>: every <c>index.interval.bytes</c> of log, the last offset of a batch and the
/// byte where that batch starts. A lookup lands at or before the batch holding an offset; a short scan of batch
/// headers does the rest.
/// </summary>
/// <remarks>Threading as <see cref="SegmentIndex{TEntry}"/>: one writer, lock-free readers.</remarks>
internal sealed class OffsetIndex : IDisposable
{
    private readonly SegmentIndex<OffsetPosition> _entries;

    private OffsetIndex(SegmentIndex<OffsetPosition> entries) => _entries = entries;

    public SegmentIndex<OffsetPosition> Entries => _entries;

    public int Count => _entries.Count;

    public static OffsetIndex Open(string path, long baseOffset, IStorageFaults? faults) =>
        new(SegmentIndex<OffsetPosition>.Open(path, baseOffset, faults));

    public void Append(long lastOffset, int position) => _entries.Append(new OffsetPosition(lastOffset, position));

    /// <summary>The last entry at or below <paramref name="offset"/>; the segment's start when there is none.</summary>
    public OffsetPosition Lookup(long offset)
    {
        int found = _entries.FindLast(new OffsetAtMost(offset));
        return found < 0 ? new OffsetPosition(_entries.BaseOffset, 0) : _entries.EntryAt(found);
    }

    /// <summary>
    /// The last entry that starts at or below <paramref name="position"/> and whose batch ends below
    /// <paramref name="offsetLimit"/>; null when none does. A read jumps there instead of walking every batch.
    /// </summary>
    public OffsetPosition? LookupEnd(int position, long offsetLimit)
    {
        int byPosition = _entries.FindLast(new PositionAtMost(position));
        int byOffset = _entries.FindLast(new OffsetBelow(offsetLimit));
        int found = Math.Min(byPosition, byOffset);
        return found < 0 ? null : _entries.EntryAt(found);
    }

    /// <summary>Drops the entries for batches ending at or past <paramref name="offset"/>.</summary>
    public void TruncateTo(long offset) => _entries.TruncateTo(_entries.FindLast(new OffsetBelow(offset)) + 1);

    /// <summary>
    /// Kafka's sanity check of an index found on disk: whole entries, ascending, and pointing inside the log. Reads
    /// the first and last entries only, so a clean start stays fast; a bad entry in the middle is caught when a read
    /// lands on something that is not a batch, and that read falls back to a scan.
    /// </summary>
    public bool IsSane(long logSize)
    {
        if (_entries.FileLength % OffsetPosition.Size != 0) return false;
        int count = _entries.Count;
        if (count == 0) return true;
        OffsetPosition first = _entries.EntryAt(0);
        OffsetPosition last = _entries.EntryAt(count - 1);
        return first.Offset >= _entries.BaseOffset && last.Offset >= first.Offset && first.Position >= 0 &&
            last.Position >= first.Position && last.Position < logSize;
    }

    public void Dispose() => _entries.Dispose();

    private readonly struct OffsetAtMost(long offset) : IIndexPredicate<OffsetPosition>
    {
        public bool Matches(in OffsetPosition entry) => entry.Offset <= offset;
    }

    private readonly struct OffsetBelow(long offset) : IIndexPredicate<OffsetPosition>
    {
        public bool Matches(in OffsetPosition entry) => entry.Offset < offset;
    }

    private readonly struct PositionAtMost(int position) : IIndexPredicate<OffsetPosition>
    {
        public bool Matches(in OffsetPosition entry) => entry.Position <= position;
    }
}
