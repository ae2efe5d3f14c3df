using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Tests.Support;

/// <summary>Record batches as a producer sends them: base offset 0, no partition leader epoch.</summary>
public static class Batches
{
    /// <summary>
    /// A batch of <paramref name="records"/> records; record i has timestamp
    /// <paramref name="timestamp"/> + i × <paramref name="timestampStep"/> and a value of
    /// <paramref name="valueBytes"/> bytes filled with <paramref name="fill"/>.
    /// </summary>
    public static byte[] Create(int records, long timestamp, int valueBytes = 16, byte fill = 1,
        long timestampStep = 0, CompressionType compression = CompressionType.None)
    {
        var builder = new RecordBatchBuilder(compression);
        for (int i = 0; i < records; i++)
        {
            byte[] value = new byte[valueBytes];
            value.AsSpan().Fill(fill);
            builder.Add(key: [(byte)i], value, timestamp + (i * timestampStep));
        }
        return builder.Build();
    }

    /// <summary>What the log stores for <paramref name="batch"/>: a copy stamped with offset and epoch.</summary>
    public static byte[] Stamped(byte[] batch, long baseOffset, int leaderEpoch)
    {
        byte[] copy = (byte[])batch.Clone();
        RecordBatch.SetBaseOffset(copy, baseOffset);
        RecordBatch.SetPartitionLeaderEpoch(copy, leaderEpoch);
        return copy;
    }

    /// <summary>Splits stored bytes into their batches, checking that they are whole and valid.</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> bytes)
    {
        var batches = new List<byte[]>();
        var reader = new RecordBatchReader(bytes);
        // Not foreach: it would advance a copy of the reader, and Tail below would say nothing.
        while (reader.MoveNext())
        {
            Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(reader.Current, out _));
            batches.Add(reader.Current.ToArray());
        }
        Assert.Equal(RecordsTail.None, reader.Tail);
        return batches;
    }

    public static RecordBatchHeader Header(byte[] batch) => RecordBatchHeader.Read(batch);
}
