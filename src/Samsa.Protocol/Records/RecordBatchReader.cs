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
    /// The size of the batch at the start of <paramref name="rest"/>, or -1 with the reason there is none.
    /// <paramref name="rest"/> needs only its first 17 bytes to decide, unless it is shorter.
    /// </summary>
    internal static int NextBatchSize(ReadOnlySpan<byte> rest, long available, out RecordsTail tail)
    {
        tail = RecordsTail.None;
        if (available == 0) return -1;
        tail = RecordsTail.Partial;
        if (rest.Length < L.LogOverhead) return -1;
        int length = BinaryPrimitives.ReadInt32BigEndian(rest[L.BatchLength..]);
        // Old message sets are framed the same way but can be smaller than a v2 header; they are framed here and
        // refused by magic in validation, as Kafka refuses them, rather than reported as garbage.
        int minimum = rest.Length > L.Magic && rest[L.Magic] == L.CurrentMagic ? L.MinBatchLength : L.MinLegacyLength;
        if (length < minimum)
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
