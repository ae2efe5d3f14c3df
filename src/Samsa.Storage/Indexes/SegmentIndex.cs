using System.Buffers;

namespace Samsa.Storage.Indexes;

// Plain files, not preallocated memory maps (Kafka's choice). The active segment's entries live in a managed array:
// an append is a store, with no page fault and no syscall; the file is written once, when the segment rolls or the
// log closes cleanly, and after a crash the active segment is rescanned anyway, so nothing is lost by not writing it
// sooner. A rolled segment's index is immutable and read with pread: the page cache keeps the hot parts in memory,
// as it would a mapping, without holding address space per segment and without the hazard of a reader touching a
// view that a concurrent delete unmapped (a crash in .NET, not an exception). No preallocation means no trimming on
// roll and no trailing zeros to tell from entries after a crash.
/// <summary>
/// A sparse index of one segment: entries in memory while the segment is active, in its file once rolled.
/// </summary>
/// <remarks>
/// One writer (the log's, under its lock) appends and truncates; readers search without locks. The writer fills an
/// entry before publishing the count, and truncation replaces the array rather than overwriting it, so a reader
/// sees whole entries. Searches assume entries ascend, as the writer keeps them; a corrupt file found at open is
/// rebuilt.
/// </remarks>
internal sealed class SegmentIndex<TEntry> : IDisposable where TEntry : struct, IIndexEntry<TEntry>
{
    private readonly LogFile _file;
    private TEntry[]? _memory;
    private int _count;

    private SegmentIndex(LogFile file, long baseOffset, int count)
    {
        _file = file;
        BaseOffset = baseOffset;
        _count = count;
    }

    public long BaseOffset { get; }

    public string Path => _file.Path;

    public int Count => Volatile.Read(ref _count);

    /// <summary>True while the entries live in memory (the segment is active).</summary>
    public bool IsInMemory => Volatile.Read(ref _memory) is not null;

    /// <summary>Bytes in the file; whole entries unless the file is corrupt.</summary>
    public long FileLength => _file.Length;

    /// <summary>Opens the index file, creating an empty one when missing; its entries stay on disk.</summary>
    public static SegmentIndex<TEntry> Open(string path, long baseOffset, IStorageFaults? faults)
    {
        var file = LogFile.Open(path, FileMode.OpenOrCreate, faults);
        return new SegmentIndex<TEntry>(file, baseOffset, (int)Math.Min(file.Length / TEntry.Size, int.MaxValue));
    }

    /// <summary>Starts an empty in-memory index, for a new active segment or a rebuild.</summary>
    public void ResetInMemory()
    {
        Volatile.Write(ref _memory, new TEntry[16]);
        Volatile.Write(ref _count, 0);
    }

    /// <summary>Reads the file's first <paramref name="count"/> entries into memory: the segment became
    /// active.</summary>
    public void LoadIntoMemory(int count)
    {
        var entries = new TEntry[Math.Max(16, count)];
        for (int i = 0; i < count; i++)
            entries[i] = EntryAt(i);
        Volatile.Write(ref _memory, entries);
        Volatile.Write(ref _count, count);
    }

    public void Append(in TEntry entry)
    {
        TEntry[] entries = _memory ?? throw new InvalidOperationException("only an active segment's index grows");
        int count = _count;
        if (count == entries.Length)
        {
            var larger = new TEntry[entries.Length * 2];
            entries.AsSpan().CopyTo(larger);
            entries = larger;
            larger[count] = entry;
            Volatile.Write(ref _memory, larger);
        }
        else
        {
            entries[count] = entry;
        }
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>The entry at <paramref name="index"/> (below <see cref="Count"/>).</summary>
    public TEntry EntryAt(int index)
    {
        TEntry[]? entries = Volatile.Read(ref _memory);
        if (entries is not null) return index < entries.Length ? entries[index] : default;
        Span<byte> bytes = stackalloc byte[TEntry.Size];
        return _file.Read(bytes, (long)index * TEntry.Size) == bytes.Length ? TEntry.Read(bytes, BaseOffset) : default;
    }

    /// <summary>The last entry whose <paramref name="predicate"/> holds, or -1: a binary search over a
    /// prefix.</summary>
    public int FindLast<TPredicate>(TPredicate predicate) where TPredicate : struct, IIndexPredicate<TEntry>
    {
        int low = 0;
        int high = Count - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = (int)(((uint)low + (uint)high) >> 1);
            if (predicate.Matches(EntryAt(middle)))
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }

    /// <summary>Keeps the first <paramref name="count"/> entries, in memory (a fresh array) and in the file.</summary>
    public void TruncateTo(int count)
    {
        if (count >= Count) return;
        TEntry[]? entries = _memory;
        if (entries is not null)
        {
            var kept = new TEntry[Math.Max(16, entries.Length)];
            entries.AsSpan(0, count).CopyTo(kept);
            Volatile.Write(ref _memory, kept);
        }
        Volatile.Write(ref _count, count);
        if (_file.Length > (long)count * TEntry.Size) _file.SetLength((long)count * TEntry.Size);
    }

    /// <summary>Writes the in-memory entries to the file, which then holds exactly them.</summary>
    public void WriteToDisk()
    {
        TEntry[] entries = _memory ?? throw new InvalidOperationException("the index is not in memory");
        int count = _count;
        int length = count * TEntry.Size;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            for (int i = 0; i < count; i++)
                entries[i].Write(buffer.AsSpan(i * TEntry.Size, TEntry.Size), BaseOffset);
            if (length > 0) _file.Write(buffer.AsSpan(0, length), 0);
            if (_file.Length != length) _file.SetLength(length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>After <see cref="WriteToDisk"/> on roll: readers go to the file from now on.</summary>
    public void DropMemory() => Volatile.Write(ref _memory, null);

    public void Sync() => _file.Sync();

    public void MoveTo(string path) => _file.MoveTo(path);

    public void Dispose() => _file.Dispose();
}
