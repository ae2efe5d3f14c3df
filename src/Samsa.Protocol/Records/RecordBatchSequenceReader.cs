using System.Buffers;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Protocol.Records;

/// <summary>
/// Splits a records blob held in a <see cref="ReadOnlySequence{T}"/> (a produce request straight from the pipe)
/// into its batches, as slices of the sequence; the counterpart of <see cref="RecordBatchReader"/>.
/// </summary>
public struct RecordBatchSequenceReader
{
    private ReadOnlySequence<byte> _remaining;

    public RecordBatchSequenceReader(ReadOnlySequence<byte> records)
    {
        _remaining = records;
        Consumed = 0;
        Tail = RecordsTail.None;
    }

    /// <summary>Bytes of whole batches returned so far: where the tail starts.</summary>
    public long Consumed { get; private set; }

    /// <summary>What stopped the reader, once <see cref="TryReadNext"/> has returned false.</summary>
    public RecordsTail Tail { get; private set; }

    /// <summary>The next whole batch; false at the end of the blob, with <see cref="Tail"/> saying why.</summary>
    public bool TryReadNext(out ReadOnlySequence<byte> batch)
    {
        // The size is decided by the first 17 bytes (length and magic), wherever they sit.
        scoped ReadOnlySpan<byte> start = _remaining.FirstSpan;
        Span<byte> copy = stackalloc byte[L.Magic + 1];
        if (start.Length < copy.Length && _remaining.Length > start.Length)
        {
            int n = (int)Math.Min(copy.Length, _remaining.Length);
            _remaining.Slice(0, n).CopyTo(copy);
            start = copy[..n];
        }
        int size = RecordBatchReader.NextBatchSize(start, _remaining.Length, out RecordsTail tail);
        if (size < 0)
        {
            Tail = tail;
            batch = default;
            return false;
        }
        batch = _remaining.Slice(0, size);
        _remaining = _remaining.Slice(size);
        Consumed += size;
        return true;
    }
}
