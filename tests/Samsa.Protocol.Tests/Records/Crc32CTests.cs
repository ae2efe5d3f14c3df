using System.Buffers;
using System.Text;
using Samsa.Protocol.Records;
using Xunit;

namespace Samsa.Protocol.Tests.Records;

public sealed class Crc32CTests
{
    // RFC 3720 appendix B.4 and the customary check value.
    [Fact]
    public void Compute_matches_known_vectors()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void Table_path_matches_known_vectors()
    {
        Assert.Equal(0xE3069283u, ~Crc32C.UpdateTable(~0u, "123456789"u8));
        Assert.Equal(0x46DD794Eu, ~Crc32C.UpdateTable(~0u, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void Hardware_path_matches_table_path_at_every_small_length_and_alignment()
    {
        if (!Crc32C.IsHardwareAccelerated) Assert.Skip("no crc32c instruction on this processor");
        byte[] data = RandomBytes(4096 + 16, seed: 1);
        for (int offset = 0; offset < 8; offset++)
        {
            for (int length = 0; length <= 3000; length++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(offset, length);
                Assert.Equal(Crc32C.UpdateTable(~0u, slice), Crc32C.UpdateHardware(~0u, slice));
            }
        }
    }

    [Fact]
    public void Hardware_path_matches_table_path_at_large_lengths()
    {
        if (!Crc32C.IsHardwareAccelerated) Assert.Skip("no crc32c instruction on this processor");
        byte[] data = RandomBytes((3 << 20) + 64, seed: 2);
        var random = new Random(3);
        int[] lengths = [24575, 24576, 24577, 24576 * 2 + 767, 1 << 20, (1 << 20) + 13, 3 << 20];
        foreach (int length in lengths.Concat(Enumerable.Range(0, 40).Select(_ => random.Next(0, 3 << 20))))
        {
            int offset = random.Next(0, 64);
            ReadOnlySpan<byte> slice = data.AsSpan(offset, Math.Min(length, data.Length - offset));
            uint seed = (uint)random.Next();
            Assert.Equal(Crc32C.UpdateTable(seed, slice), Crc32C.UpdateHardware(seed, slice));
        }
    }

    [Fact]
    public void Append_over_pieces_equals_compute_over_the_whole()
    {
        byte[] data = RandomBytes(100_000, seed: 4);
        uint whole = Crc32C.Compute(data);
        var random = new Random(5);
        for (int i = 0; i < 50; i++)
        {
            int split = random.Next(0, data.Length + 1);
            uint crc = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));
            Assert.Equal(whole, crc);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(61)]
    [InlineData(4096)]
    public void Compute_over_a_segmented_sequence_equals_compute_over_the_span(int segmentSize)
    {
        byte[] data = RandomBytes(20_000, seed: 6);
        Assert.Equal(Crc32C.Compute(data), Crc32C.Compute(SegmentedSequence.Split(data, segmentSize)));
        Assert.Equal(Crc32C.Compute(data), Crc32C.Compute(new ReadOnlySequence<byte>(data)));
    }

    [Fact]
    public void Combine_joins_the_checksums_of_two_pieces()
    {
        byte[] data = RandomBytes(70_000, seed: 7);
        foreach (int split in new[] { 0, 1, 8, 1000, 69_999, 70_000 })
        {
            uint a = Crc32C.Compute(data.AsSpan(0, split));
            uint b = Crc32C.Compute(data.AsSpan(split));
            Assert.Equal(Crc32C.Compute(data), Crc32C.Combine(a, b, data.Length - split));
        }
    }

    [Fact]
    public void Compute_of_ascii_text_is_stable()
    {
        // Guards the public contract that a checksum is the finished (inverted) value.
        byte[] text = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog");
        Assert.Equal(0x22620404u, Crc32C.Compute(text));
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
