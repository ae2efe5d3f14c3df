using System.Buffers;

namespace Samsa.Protocol.Tests.Records;

/// <summary>Splits bytes into a multi-segment sequence, as a pipe would deliver them.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, int segmentSize)
    {
        if (data.Length <= segmentSize) return new ReadOnlySequence<byte>(data);
        var first = new Segment(data[..segmentSize], 0);
        Segment last = first;
        for (int start = segmentSize; start < data.Length; start += segmentSize)
            last = last.Append(data[start..Math.Min(start + segmentSize, data.Length)]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
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
