using System.Buffers;

namespace Samsa.Protocol.Tests;

/// <summary>
/// Builds a multi-segment <see cref="ReadOnlySequence{T}"/> over bytes, as a pipe delivers them: the segment sizes
/// repeat in the order given, the last segment takes what is left, and every segment holds at least one byte.
/// </summary>
internal static class SegmentedSequence
{
    /// <summary>Splits into segments of <paramref name="segmentSize"/> bytes, the last one shorter.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, int segmentSize) =>
        Split(data, [segmentSize]);

    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, IReadOnlyList<int> segmentSizes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(segmentSizes.Count);
        if (data.IsEmpty)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        Segment? first = null;
        Segment? last = null;
        int start = 0;
        for (int i = 0; start < data.Length; i++)
        {
            int size = segmentSizes[i % segmentSizes.Count];
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
            // Each segment gets its own array, so a reader that strays past a segment's end cannot see the next bytes.
            ReadOnlyMemory<byte> piece = data.Slice(start, Math.Min(size, data.Length - start)).ToArray();
            last = last is null ? first = new Segment(piece, 0) : last.Append(piece);
            start += piece.Length;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
