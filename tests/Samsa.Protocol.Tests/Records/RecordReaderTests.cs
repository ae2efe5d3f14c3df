using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Xunit;
using static Samsa.Protocol.Tests.Records.SampleBatches;

namespace Samsa.Protocol.Tests.Records;

public sealed class RecordReaderTests
{
    /// <summary>An uncompressed batch around hand-written record bytes, with a correct CRC.</summary>
    private static byte[] BatchAround(byte[] records, int recordCount)
    {
        byte[] batch = Build(CompressionType.None, [new ExpectedRecord(null, null, 0, [])]);
        byte[] result = [.. batch.AsSpan(0, 61), .. records];
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(8), result.Length - 12);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(57), recordCount);
        RecordBatch.UpdateCrc(result);
        return result;
    }

    private static void AssertMalformed(byte[] records, int recordCount) =>
        Assert.Throws<ProtocolException>(() => ReadAll(BatchAround(records, recordCount)));

    [Fact]
    public void Well_formed_hand_written_record_reads()
    {
        // length 7: attributes, ts 0, offset 0, key null (-1 = 0x01), value "x", no headers.
        byte[] records = [0x0E, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0x00];
        List<ExpectedRecord> read = ReadAll(BatchAround(records, 1));
        Assert.Single(read);
        Assert.Null(read[0].Key);
        Assert.Equal("x"u8.ToArray(), read[0].Value);
    }

    [Fact]
    public void Record_count_beyond_the_bytes_is_malformed() =>
        AssertMalformed([0x0E, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0x00], 2);

    [Fact]
    public void Bytes_after_the_last_record_are_malformed() =>
        AssertMalformed([0x0E, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0x00, 0x00], 1);

    [Fact]
    public void Record_length_past_the_end_is_malformed() =>
        AssertMalformed([0x7E, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0x00], 1);

    [Fact]
    public void Negative_record_length_is_malformed() =>
        AssertMalformed([0x01, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0x00], 1);

    [Fact]
    public void Record_whose_fields_do_not_fill_its_length_is_malformed() =>
        AssertMalformed([0x10, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0x00, 0x00], 1);

    [Fact]
    public void Key_length_below_minus_one_is_malformed() =>
        AssertMalformed([0x0E, 0x00, 0x00, 0x00, 0x03, 0x02, (byte)'x', 0x00], 1);

    [Fact]
    public void Value_length_past_the_record_is_malformed() =>
        AssertMalformed([0x0E, 0x00, 0x00, 0x00, 0x01, 0x08, (byte)'x', 0x00], 1);

    [Fact]
    public void Negative_or_absurd_header_count_is_malformed()
    {
        AssertMalformed([0x0E, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0x01], 1);
        AssertMalformed([0x16, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0xFE, 0xFF, 0xFF, 0xFF, 0x07], 1);
    }

    [Fact]
    public void Null_header_key_is_malformed() =>
        AssertMalformed([0x12, 0x00, 0x00, 0x00, 0x01, 0x02, (byte)'x', 0x02, 0x01, 0x01], 1);

    [Fact]
    public void Over_long_varint_is_malformed() =>
        AssertMalformed([0x16, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x01, 0x00, 0x00], 1);

    [Fact]
    public void Decompression_beyond_the_limit_is_a_protocol_exception()
    {
        var records = new List<ExpectedRecord> { new(null, new byte[200_000], 0, []) };
        foreach (CompressionType codec in Codecs.Where(c => c != CompressionType.None))
        {
            byte[] batch = Build(codec, records);
            Assert.Throws<ProtocolException>(() => ReadAll(batch, maxUncompressedBytes: 100_000));
            Assert.Single(ReadAll(batch, maxUncompressedBytes: 200_100));
        }
    }
}
