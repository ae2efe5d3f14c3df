using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Xunit;
using static Samsa.Protocol.Tests.Records.SampleBatches;

namespace Samsa.Protocol.Tests.Records;

public sealed class RecordBatchValidationTests
{
    private static byte[] Sample(CompressionType codec = CompressionType.None) =>
        Build(codec, VariedRecords(count: 6));

    private static RecordBatchValidation Validate(byte[] batch)
    {
        RecordBatchValidation span = RecordBatch.TryValidate(batch, out _);
        // The segmented form must agree whatever the segment size.
        foreach (int segment in new[] { 1, 5, 17, 60, 1000 })
            Assert.Equal(span, RecordBatch.TryValidate(SegmentedSequence.Split(batch, segment), out _));
        return span;
    }

    [Theory]
    [MemberData(nameof(AllCodecs), MemberType = typeof(SampleBatches))]
    public void Built_batch_is_valid(CompressionType codec) =>
        Assert.Equal(RecordBatchValidation.Ok, Validate(Sample(codec)));

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(60)]
    public void Fewer_bytes_than_a_header_are_too_short(int length) =>
        Assert.Equal(RecordBatchValidation.TooShort, Validate(Sample()[..length]));

    [Fact]
    public void Length_field_that_disagrees_with_the_bytes_is_bad_length()
    {
        byte[] batch = Sample();
        Assert.Equal(RecordBatchValidation.BadLength, Validate(batch[..^1]));
        Assert.Equal(RecordBatchValidation.BadLength, Validate([.. batch, 0]));
        byte[] small = (byte[])batch.Clone();
        BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(8), 48);
        Assert.Equal(RecordBatchValidation.BadLength, Validate(small));
        BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(8), -5);
        Assert.Equal(RecordBatchValidation.BadLength, Validate(small));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Old_message_formats_are_refused_by_magic(byte magic)
    {
        // A v0/v1 message set entry: offset, size, crc, magic, attributes, (timestamp), key -1, value "x".
        var legacy = new List<byte>();
        legacy.AddRange(new byte[8]);
        int size = 4 + 1 + 1 + (magic == 1 ? 8 : 0) + 4 + 4 + 1;
        legacy.AddRange(BigEndian(size));
        legacy.AddRange(new byte[4]);
        legacy.Add(magic);
        legacy.Add(0);
        if (magic == 1) legacy.AddRange(new byte[8]);
        legacy.AddRange(BigEndian(-1));
        legacy.AddRange(BigEndian(1));
        legacy.Add((byte)'x');
        Assert.Equal(RecordBatchValidation.LegacyMagic, Validate([.. legacy]));

        // The framing hands it over as one entry rather than calling it garbage.
        var reader = new RecordBatchReader([.. legacy]);
        Assert.True(reader.MoveNext());
        Assert.Equal(legacy.Count, reader.Current.Length);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0x80)]
    public void Unknown_magic_is_refused(byte magic)
    {
        byte[] batch = Sample();
        batch[16] = magic;
        Assert.Equal(RecordBatchValidation.UnknownMagic, Validate(batch));
    }

    [Theory]
    [InlineData(21)]    // attributes: the first byte the CRC covers
    [InlineData(40)]
    [InlineData(61)]
    [InlineData(-1)]    // the last byte
    public void Any_change_the_crc_covers_is_bad_crc(int position)
    {
        byte[] batch = Sample(CompressionType.Zstd);
        int at = position < 0 ? batch.Length + position : position;
        batch[at] ^= 0x10;
        Assert.Equal(RecordBatchValidation.BadCrc, Validate(batch));
    }

    [Fact]
    public void Changing_the_stored_crc_is_bad_crc()
    {
        byte[] batch = Sample();
        batch[18] ^= 1;
        Assert.Equal(RecordBatchValidation.BadCrc, Validate(batch));
    }

    [Fact]
    public void Unknown_codec_with_a_correct_crc_is_unknown_compression()
    {
        byte[] batch = Sample();
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(21), 5);
        RecordBatch.UpdateCrc(batch);
        Assert.Equal(RecordBatchValidation.UnknownCompression, Validate(batch));
    }

    [Fact]
    public void Negative_record_count_with_a_correct_crc_is_bad_record_count()
    {
        byte[] batch = Sample();
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(57), -1);
        RecordBatch.UpdateCrc(batch);
        Assert.Equal(RecordBatchValidation.BadRecordCount, Validate(batch));
    }

    [Fact]
    public void Reading_records_of_an_invalid_batch_throws_protocol_exception()
    {
        byte[] batch = Sample();
        batch[^1] ^= 1;
        Assert.Throws<ProtocolException>(() => ReadAll(batch));
        Assert.Throws<ProtocolException>(() => ReadAll(batch.AsSpan(0, 40)));
    }

    [Fact]
    public void Header_reads_from_any_segmentation()
    {
        byte[] batch = Sample(CompressionType.Gzip);
        RecordBatchHeader expected = RecordBatchHeader.Read(batch);
        for (int segment = 1; segment <= 62; segment++)
        {
            Assert.True(
                RecordBatchHeader.TryRead(SegmentedSequence.Split(batch, segment), out RecordBatchHeader header));
            Assert.Equal(expected, header);
        }
        Assert.False(RecordBatchHeader.TryRead(new ReadOnlySequence<byte>(batch, 0, 60), out _));
        Assert.False(RecordBatchHeader.TryRead(batch.AsSpan(0, 60), out _));
        Assert.Throws<ProtocolException>(() => RecordBatchHeader.Read(batch.AsSpan(0, 60)));
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
