using System.Buffers.Binary;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Protocol.Records;

// In-place stamping by the broker on append. Base offset and partition leader epoch lie before the CRC's coverage,
// so stamping them is two stores; the max timestamp and timestamp type lie inside it, so changing them recomputes
// the CRC over the whole batch.
public static partial class RecordBatch
{
    /// <summary>Overwrites the base offset (the broker assigns offsets on append).</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset)
    {
        WholeSize(batch);
        BinaryPrimitives.WriteInt64BigEndian(batch[L.BaseOffset..], baseOffset);
    }

    /// <summary>Overwrites the partition leader epoch (the leader's epoch at append).</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int partitionLeaderEpoch)
    {
        WholeSize(batch);
        BinaryPrimitives.WriteInt32BigEndian(batch[L.PartitionLeaderEpoch..], partitionLeaderEpoch);
    }

    /// <summary>
    /// Sets the timestamp type bit and the max timestamp, recomputing the CRC if either changed. With
    /// <see cref="TimestampType.LogAppendTime"/> every record's timestamp reads as <paramref name="maxTimestamp"/>.
    /// </summary>
    public static void SetMaxTimestamp(Span<byte> batch, TimestampType timestampType, long maxTimestamp)
    {
        int size = WholeSize(batch);
        short attributes = BinaryPrimitives.ReadInt16BigEndian(batch[L.Attributes..]);
        short updated = timestampType == TimestampType.LogAppendTime
            ? (short)(attributes | L.TimestampTypeFlag)
            : (short)(attributes & ~L.TimestampTypeFlag);
        if (updated == attributes && BinaryPrimitives.ReadInt64BigEndian(batch[L.MaxTimestamp..]) == maxTimestamp)
            return;
        BinaryPrimitives.WriteInt16BigEndian(batch[L.Attributes..], updated);
        BinaryPrimitives.WriteInt64BigEndian(batch[L.MaxTimestamp..], maxTimestamp);
        UpdateCrc(batch[..size]);
    }

    /// <summary>Stamps log append time: the broker's clock at append becomes every record's timestamp.</summary>
    public static void SetLogAppendTime(Span<byte> batch, long timestamp) =>
        SetMaxTimestamp(batch, TimestampType.LogAppendTime, timestamp);

    /// <summary>Recomputes and stores the CRC, after a change inside its coverage.</summary>
    public static void UpdateCrc(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[L.Crc..], ComputeCrc(batch));
}
