using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using Samsa.Protocol.Compression;
using Xunit;

namespace Samsa.Protocol.Tests.Compression;

public sealed class CompressionCodecTests
{
    public static TheoryData<CompressionType> Codecs =>
        new(CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd);

    private static byte[] Compress(CompressionType codec, ReadOnlySpan<byte> data, int? level = null)
    {
        var output = new ArrayBufferWriter<byte>();
        int written = CompressionCodec.Compress(codec, data, output, level);
        Assert.Equal(output.WrittenCount, written);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Decompress(CompressionType codec, ReadOnlySpan<byte> data, int max = 64 << 20)
    {
        var output = new ArrayBufferWriter<byte>();
        int written = CompressionCodec.Decompress(codec, data, output, max);
        Assert.Equal(output.WrittenCount, written);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Half random, half repetitive: some codec blocks shrink and some are stored raw.</summary>
    private static byte[] Mixed(int length, int seed)
    {
        var data = new byte[length];
        var random = new Random(seed);
        for (int i = 0; i < length; i += 1000)
        {
            Span<byte> piece = data.AsSpan(i, Math.Min(1000, length - i));
            if (random.Next(2) == 0) random.NextBytes(piece);
            else piece.Fill((byte)(i / 1000));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Round_trips_at_block_boundaries(CompressionType codec)
    {
        int[] lengths = [0, 1, 100, 32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 65_535, 65_536, 65_537, 300_000];
        foreach (int length in lengths)
        {
            byte[] data = Mixed(length, length);
            Assert.Equal(data, Decompress(codec, Compress(codec, data)));
        }
    }

    [Theory]
    [InlineData(CompressionType.Gzip, 1)]
    [InlineData(CompressionType.Gzip, 9)]
    [InlineData(CompressionType.Lz4, 1)]
    [InlineData(CompressionType.Lz4, 12)]
    [InlineData(CompressionType.Lz4, 17)]
    [InlineData(CompressionType.Zstd, -5)]
    [InlineData(CompressionType.Zstd, 19)]
    public void Round_trips_at_other_levels(CompressionType codec, int level)
    {
        byte[] data = Mixed(100_000, 3);
        Assert.Equal(data, Decompress(codec, Compress(codec, data, level)));
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Output_beyond_the_limit_is_refused(CompressionType codec)
    {
        byte[] zeros = new byte[1 << 20];
        byte[] compressed = Compress(codec, zeros);
        Assert.Throws<ProtocolException>(() => Decompress(codec, compressed, max: 1000));
        Assert.Throws<ProtocolException>(() => Decompress(codec, compressed, max: zeros.Length - 1));
        Assert.Equal(zeros.Length, Decompress(codec, compressed, max: zeros.Length).Length);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Truncated_or_damaged_input_raises_only_protocol_exceptions(CompressionType codec)
    {
        byte[] data = Mixed(200_000, 9);
        byte[] compressed = Compress(codec, data);
        var random = new Random((int)codec);
        for (int i = 0; i < 300; i++)
        {
            byte[] damaged = random.Next(2) == 0
                ? compressed[..random.Next(0, compressed.Length)]
                : Flip(compressed, random);
            try
            {
                byte[] result = Decompress(codec, damaged, max: 1 << 20);
                // Undetected damage is possible only where the format has no checksum over the data.
                Assert.True(result.Length <= 1 << 20);
            }
            catch (ProtocolException)
            {
            }
        }
    }

    [Fact]
    public void Unknown_codec_is_a_protocol_exception_on_read_and_an_argument_error_on_write()
    {
        Assert.Throws<ProtocolException>(() => Decompress((CompressionType)5, [1, 2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Compress((CompressionType)7, [1, 2, 3]));
    }

    [Fact]
    public void Gzip_reads_what_system_io_compression_writes()
    {
        byte[] data = Mixed(50_000, 4);
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(data);
        Assert.Equal(data, Decompress(CompressionType.Gzip, stream.ToArray()));
        Assert.Equal([0x1F, 0x8B], Compress(CompressionType.Gzip, data)[..2]);
    }

    [Fact]
    public void Snappy_writes_the_xerial_framing_with_32_KiB_blocks()
    {
        byte[] data = Mixed(70_000, 5);
        byte[] compressed = Compress(CompressionType.Snappy, data);
        byte[] header = [0x82, .. "SNAPPY"u8, 0, 0, 0, 0, 1, 0, 0, 0, 1];
        Assert.Equal(header, compressed[..16]);
        int blocks = 0;
        int position = 16;
        int decoded = 0;
        while (position < compressed.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(compressed.AsSpan(position));
            decoded += Snappier.Snappy.GetUncompressedLength(compressed.AsSpan(position + 4, length));
            position += 4 + length;
            blocks++;
        }
        Assert.Equal(3, blocks);
        Assert.Equal(data.Length, decoded);
    }

    [Fact]
    public void Snappy_reads_a_raw_block_as_librdkafka_writes_it()
    {
        byte[] data = Mixed(90_000, 6);
        byte[] raw = Snappier.Snappy.CompressToArray(data);
        Assert.Equal(data, Decompress(CompressionType.Snappy, raw));
        Assert.Throws<ProtocolException>(() => Decompress(CompressionType.Snappy, raw, max: 89_999));
    }

    [Fact]
    public void Snappy_refuses_a_xerial_block_length_past_the_end()
    {
        byte[] compressed = Compress(CompressionType.Snappy, Mixed(1000, 7));
        BinaryPrimitives.WriteInt32BigEndian(compressed.AsSpan(16), compressed.Length);
        Assert.Throws<ProtocolException>(() => Decompress(CompressionType.Snappy, compressed));
        BinaryPrimitives.WriteInt32BigEndian(compressed.AsSpan(16), -1);
        Assert.Throws<ProtocolException>(() => Decompress(CompressionType.Snappy, compressed));
    }

    [Fact]
    public void Lz4_writes_the_frame_header_kafka_writes()
    {
        byte[] compressed = Compress(CompressionType.Lz4, Mixed(1000, 8));
        // Magic, FLG 0x60 (v1, independent blocks), BD 0x40 (64 KiB), header checksum.
        Assert.Equal([0x04, 0x22, 0x4D, 0x18, 0x60, 0x40, 0x82], compressed[..7]);
        Assert.Equal([0, 0, 0, 0], compressed[^4..]);
    }

    [Fact]
    public void Lz4_stores_incompressible_blocks_raw()
    {
        byte[] data = new byte[1000];
        new Random(1).NextBytes(data);
        byte[] compressed = Compress(CompressionType.Lz4, data);
        Assert.Equal(0x8000_0000u | 1000u, BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(7)));
        Assert.Equal(7 + 4 + 1000 + 4, compressed.Length);
    }

    [Fact]
    public void Lz4_reads_frames_with_checksums_and_content_size()
    {
        byte[] data = Mixed(200_000, 9);
        var settings = new LZ4EncoderSettings
        {
            ChainBlocks = false,
            BlockSize = 256 * 1024,
            BlockChecksum = true,
            ContentChecksum = true,
        };
        byte[] frame = LZ4Frame.Encode(data.AsSpan(), new ArrayBufferWriter<byte>(), settings).WrittenSpan.ToArray();
        Assert.Equal(0x74, frame[4]);   // block and content checksums
        Assert.Equal(data, Decompress(CompressionType.Lz4, frame));

        byte[] damaged = (byte[])frame.Clone();
        damaged[^10] ^= 1;
        Assert.Throws<ProtocolException>(() => Decompress(CompressionType.Lz4, damaged));

        // The same frame declaring its content size: FLG gains bit 3 and the header 8 bytes.
        var header = new byte[15];
        frame.AsSpan(0, 6).CopyTo(header);
        header[4] |= 0x08;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(6), data.Length);
        header[14] = (byte)(K4os.Hash.xxHash.XXH32.DigestOf(header.AsSpan(4, 10)) >> 8);
        byte[] sized = [.. header, .. frame.AsSpan(7)];
        Assert.Equal(data, Decompress(CompressionType.Lz4, sized));
        // A declared size beyond the limit is refused before anything is decoded.
        Assert.Throws<ProtocolException>(() => Decompress(CompressionType.Lz4, sized, max: 100_000));
    }

    [Fact]
    public void Lz4_refuses_dependent_blocks_as_kafka_does()
    {
        byte[] data = Mixed(200_000, 10);
        var settings = new LZ4EncoderSettings { ChainBlocks = true, BlockSize = 64 * 1024 };
        byte[] frame = LZ4Frame.Encode(data.AsSpan(), new ArrayBufferWriter<byte>(), settings).WrittenSpan.ToArray();
        Assert.Throws<ProtocolException>(() => Decompress(CompressionType.Lz4, frame));
    }

    [Fact]
    public void Lz4_refuses_a_bad_header_checksum()
    {
        byte[] compressed = Compress(CompressionType.Lz4, Mixed(1000, 11));
        compressed[6] ^= 1;
        Assert.Throws<ProtocolException>(() => Decompress(CompressionType.Lz4, compressed));
    }

    [Theory]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    [InlineData(CompressionType.Gzip)]
    public void Concatenated_frames_read_as_one_stream(CompressionType codec)
    {
        byte[] a = Mixed(10_000, 12);
        byte[] b = Mixed(20_000, 13);
        byte[] joined = [.. Compress(codec, a), .. Compress(codec, b)];
        Assert.Equal([.. a, .. b], Decompress(codec, joined));
    }

    [Fact]
    public void Zstd_reads_a_frame_without_content_size()
    {
        byte[] data = Mixed(150_000, 14);
        using var stream = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(stream, 3, 0, leaveOpen: true))
            zstd.Write(data);
        Assert.Equal(data, Decompress(CompressionType.Zstd, stream.ToArray()));
        Assert.Throws<ProtocolException>(() => Decompress(CompressionType.Zstd, stream.ToArray(), max: 149_999));
    }

    private static byte[] Flip(byte[] data, Random random)
    {
        byte[] copy = (byte[])data.Clone();
        for (int i = random.Next(1, 4); i > 0; i--)
            copy[random.Next(0, copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }
}
