using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Xunit;
using static Samsa.Protocol.Tests.Records.SampleBatches;

namespace Samsa.Protocol.Tests.Records;

public sealed class RecordBatchReaderTests
{
    private static (byte[] Blob, int[] Sizes) ThreeBatches()
    {
        byte[] a = Build(CompressionType.None, VariedRecords(seed: 1, count: 3));
        byte[] b = Build(CompressionType.Zstd, VariedRecords(seed: 2, count: 5));
        byte[] c = Build(CompressionType.Gzip, VariedRecords(seed: 3, count: 7));
        return ([.. a, .. b, .. c], [a.Length, b.Length, c.Length]);
    }

    [Fact]
    public void Blob_splits_into_its_batches()
    {
        (byte[] blob, int[] sizes) = ThreeBatches();
        var found = new List<int>();
        var reader = new RecordBatchReader(blob);
        while (reader.MoveNext())
        {
            Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(reader.Current, out _));
            found.Add(reader.Current.Length);
        }
        Assert.Equal(sizes, found);
        Assert.Equal(RecordsTail.None, reader.Tail);
        Assert.Equal(blob.Length, reader.Consumed);
    }

    [Fact]
    public void Foreach_yields_each_batch()
    {
        (byte[] blob, int[] sizes) = ThreeBatches();
        int count = 0;
        foreach (ReadOnlySpan<byte> batch in new RecordBatchReader(blob))
            Assert.Equal(sizes[count++], batch.Length);
        Assert.Equal(3, count);
    }

    [Fact]
    public void Partial_last_batch_is_reported_not_returned()
    {
        (byte[] blob, int[] sizes) = ThreeBatches();
        int whole = sizes[0] + sizes[1];
        foreach (int cut in new[] { 1, 11, 12, 16, 17, 60, 61, sizes[2] - 1 })
        {
            var reader = new RecordBatchReader(blob.AsSpan(0, whole + cut));
            int count = 0;
            while (reader.MoveNext()) count++;
            Assert.Equal(2, count);
            Assert.Equal(RecordsTail.Partial, reader.Tail);
            Assert.Equal(whole, reader.Consumed);
        }
    }

    [Fact]
    public void Impossible_length_is_reported_as_corrupt()
    {
        (byte[] blob, int[] sizes) = ThreeBatches();
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(sizes[0] + 8), 20);   // magic 2 needs at least 49
        var reader = new RecordBatchReader(blob);
        Assert.True(reader.MoveNext());
        Assert.False(reader.MoveNext());
        Assert.Equal(RecordsTail.Corrupt, reader.Tail);
        Assert.Equal(sizes[0], reader.Consumed);

        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(sizes[0] + 8), -1);
        reader = new RecordBatchReader(blob);
        Assert.True(reader.MoveNext());
        Assert.False(reader.MoveNext());
        Assert.Equal(RecordsTail.Corrupt, reader.Tail);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(100_000)]
    public void Sequence_reader_agrees_with_the_span_reader(int segmentSize)
    {
        (byte[] blob, int[] sizes) = ThreeBatches();
        foreach (int cut in new[] { 0, 5, 20, 70 })
        {
            byte[] data = blob[..(blob.Length - cut)];
            var spanReader = new RecordBatchReader(data);
            var sequenceReader = new RecordBatchSequenceReader(SegmentedSequence.Split(data, segmentSize));
            while (spanReader.MoveNext())
            {
                Assert.True(sequenceReader.TryReadNext(out ReadOnlySequence<byte> batch));
                Assert.Equal(spanReader.Current.ToArray(), batch.ToArray());
                Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out _));
            }
            Assert.False(sequenceReader.TryReadNext(out _));
            Assert.Equal(spanReader.Tail, sequenceReader.Tail);
            Assert.Equal(spanReader.Consumed, sequenceReader.Consumed);
        }
        Assert.Equal(3, sizes.Length);
    }

    [Fact]
    public void Empty_blob_has_no_batches_and_no_tail()
    {
        var reader = new RecordBatchReader([]);
        Assert.False(reader.MoveNext());
        Assert.Equal(RecordsTail.None, reader.Tail);
        var sequenceReader = new RecordBatchSequenceReader(ReadOnlySequence<byte>.Empty);
        Assert.False(sequenceReader.TryReadNext(out _));
        Assert.Equal(RecordsTail.None, sequenceReader.Tail);
    }

    [Fact]
    public void Next_batch_size_frames_from_the_first_17_bytes_against_the_bytes_available()
    {
        byte[] batch = Build(CompressionType.None, VariedRecords(seed: 4, count: 2));
        ReadOnlySpan<byte> start = batch.AsSpan(0, 17);

        Assert.Equal(batch.Length, RecordBatchReader.NextBatchSize(start, batch.Length, out RecordsTail tail));
        Assert.Equal(RecordsTail.None, tail);
        Assert.Equal(-1, RecordBatchReader.NextBatchSize(start, batch.Length - 1, out tail));
        Assert.Equal(RecordsTail.Partial, tail);
        Assert.Equal(-1, RecordBatchReader.NextBatchSize(start, 0, out tail));
        Assert.Equal(RecordsTail.None, tail);
        Assert.Equal(-1, RecordBatchReader.NextBatchSize(start[..11], batch.Length, out tail));
        Assert.Equal(RecordsTail.Partial, tail);
    }

    [Fact]
    public void Next_batch_size_frames_old_message_sets_unless_only_v2_is_wanted()
    {
        byte[] legacy = new byte[12 + 20];
        BinaryPrimitives.WriteInt32BigEndian(legacy.AsSpan(8), 20);
        legacy[16] = 1;

        Assert.Equal(legacy.Length, RecordBatchReader.NextBatchSize(legacy, legacy.Length, out _));
        Assert.Equal(-1, RecordBatchReader.NextBatchSize(legacy, legacy.Length, out RecordsTail tail,
            currentMagicOnly: true));
        Assert.Equal(RecordsTail.Corrupt, tail);

        byte[] wrongMagic = Build(CompressionType.None, VariedRecords(seed: 5, count: 1));
        wrongMagic[16] = 7;
        Assert.Equal(-1, RecordBatchReader.NextBatchSize(wrongMagic, wrongMagic.Length, out tail,
            currentMagicOnly: true));
        Assert.Equal(RecordsTail.Corrupt, tail);
    }
}
