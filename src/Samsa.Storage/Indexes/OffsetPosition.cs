using System.Buffers.Binary;

namespace Samsa.Storage.Indexes;

/// <summary>
/// An offset index entry: the batch whose last offset is <see cref="Offset"/> starts at byte
/// <see cref="Position"/> of the segment. On disk: relative offset int32, position int32, big-endian (Kafka's
/// <c>.index</c> layout).
/// </summary>
internal readonly record struct OffsetPosition(long Offset, int Position) : IIndexEntry<OffsetPosition>
{
    public static int Size => 8;

    public static OffsetPosition Read(ReadOnlySpan<byte> source, long baseOffset) =>
        new(baseOffset + BinaryPrimitives.ReadInt32BigEndian(source),
            BinaryPrimitives.ReadInt32BigEndian(source[4..]));

    public void Write(Span<byte> destination, long baseOffset)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, checked((int)(Offset - baseOffset)));
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], Position);
    }
}
