namespace Samsa.Storage.Indexes;

/// <summary>An entry of a segment index, with its fixed on-disk layout (offsets relative to the segment's
/// base).</summary>
internal interface IIndexEntry<TSelf> where TSelf : struct, IIndexEntry<TSelf>
{
    /// <summary>Bytes per entry on disk.</summary>
    static abstract int Size { get; }

    /// <summary>The absolute offset the entry points at.</summary>
    long Offset { get; }

    static abstract TSelf Read(ReadOnlySpan<byte> source, long baseOffset);

    void Write(Span<byte> destination, long baseOffset);
}

/// <summary>A test on index entries that is true for a prefix of the index and false after it.</summary>
internal interface IIndexPredicate<TEntry>
{
    bool Matches(in TEntry entry);
}
