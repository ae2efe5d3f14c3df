using System.Buffers.Binary;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Protocol.Records;

/// <summary>
/// Splits a records blob (a produce or fetch <c>records</c> field, a stretch of a log segment) into its batches by
/// their length fields, without copying or validating them; <c>foreach</c> works on it directly.
/// </summary>
/// <remarks>
/// Stops at the first incomplete or impossible length and says which in <see cref="Tail"/>; it never throws.
/// Each batch still needs <see cref="RecordBatch.TryValidate(ReadOnlySpan{byte}, out RecordBatchHeader)"/>.
/// </remarks>
public ref struct RecordBatchReader
{
    private readonly ReadOnlySpan<byte> _records;
    private int _position;

    public RecordBatchReader(ReadOnlySpan<byte> records)
    {
        _records = records;
        _position = 0;
        Current = default;
        Tail = RecordsTail.None;
    }

    /// <summary>The batch found by the last successful <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>Bytes of whole batches returned so far: where the tail starts.</summary>
    public readonly int Consumed => _position;

    /// <summary>What stopped the reader, once <see cref="MoveNext"/> has returned false.</summary>
    public RecordsTail Tail { get; private set; }

    public readonly RecordBatchReader GetEnumerator() => this;

    public bool MoveNext()
    {
        ReadOnlySpan<byte> rest = _records[_position..];
        int size = NextBatchSize(rest, out RecordsTail tail);
        if (size < 0)
        {
            Tail = tail;
            Current = default;
            return false;
        }
        Current = rest[..size];
        _position += size;
        return true;
    }

    /// <summary>
    /// The size of the batch that starts at <paramref name="rest"/>, decided from its length field (and magic), or
    /// -1 with the reason there is none: the one framing rule for every reader of batches, in memory (produce,
    /// fetch) or on disk (a segment walk, recovery, the cleaner).
    /// </summary>
    /// <param name="rest">The bytes from where a batch may start; only the first 17 (base offset, length, leader
    /// epoch, magic) are looked at, so a caller reading from a file may pass just those.</param>
    /// <param name="available">How many bytes really follow from there (may exceed <paramref name="rest"/>'s
    /// length); a batch that would run past them is <see cref="RecordsTail.Partial"/>.</param>
    /// <param name="tail">Why there is no batch: <see cref="RecordsTail.None"/> when nothing is left,
    /// <see cref="RecordsTail.Partial"/> when it is cut off, <see cref="RecordsTail.Corrupt"/> when no batch can
    /// start here.</param>
    /// <param name="currentMagicOnly">Only v2 batches frame: any other magic, or a length below a v2 header's, is
    /// <see cref="RecordsTail.Corrupt"/>, as a log segment needs. Without it, old message sets frame by length
    /// (smaller than a v2 header) so that validation can refuse them by magic, as Kafka does on produce.</param>
    public static int NextBatchSize(ReadOnlySpan<byte> rest, long available, out RecordsTail tail,
        bool currentMagicOnly = false)
    {
        tail = RecordsTail.None;
        if (available <= 0) return -1;
        tail = RecordsTail.Partial;
        if (rest.Length < L.LogOverhead || available < L.LogOverhead) return -1;
        int length = BinaryPrimitives.ReadInt32BigEndian(rest[L.BatchLength..]);
        bool knownMagic = rest.Length > L.Magic;
        bool currentMagic = knownMagic && rest[L.Magic] == L.CurrentMagic;
        int minimum = currentMagic || currentMagicOnly ? L.MinBatchLength : L.MinLegacyLength;
        if (length < minimum || (currentMagicOnly && knownMagic && !currentMagic))
        {
            tail = RecordsTail.Corrupt;
            return -1;
        }
        if (length > available - L.LogOverhead) return -1;
        tail = RecordsTail.None;
        return length + L.LogOverhead;
    }

    private static int NextBatchSize(ReadOnlySpan<byte> rest, out RecordsTail tail) =>
        NextBatchSize(rest, rest.Length, out tail);
}
