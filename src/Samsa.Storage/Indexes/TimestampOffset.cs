using System.Buffers.Binary;

namespace Samsa.Storage.Indexes;

/// <summary>
/// A time index entry: no batch before the one ending at <see cref="Offset"/> has a timestamp above
/// <see cref="Timestamp"/>, the largest seen so far. On disk: timestamp int64, relative offset int32, big-endian
/// (Kafka's <c>.timeindex</c> layout).
/// </summary>
internal readonly record struct TimestampOffset(long Timestamp, long Offset) : IIndexEntry<TimestampOffset>
{
    public static int Size => 12;

    public static TimestampOffset Read(ReadOnlySpan<byte> source, long baseOffset) =>
        new(BinaryPrimitives.ReadInt64BigEndian(source), baseOffset + BinaryPrimitives.ReadInt32BigEndian(source[8..]));

    public void Write(Span<byte> destination, long baseOffset)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], checked((int)(Offset - baseOffset)));
    }
}
