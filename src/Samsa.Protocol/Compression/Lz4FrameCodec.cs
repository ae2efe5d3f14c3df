using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;
using K4os.Hash.xxHash;

namespace Samsa.Protocol.Compression;

/// <summary>
/// LZ4 in the frame format (lz4_Frame_format.md v1.5.1), block coding through K4os.Compression.LZ4. Writes what
/// Kafka's clients write: FLG 0x60 (version 1, independent blocks, no checksums, no content size), BD 0x40 (64 KiB
/// blocks), a correct header checksum, blocks stored raw when they do not shrink, and an end mark. Reads any
/// single-or-concatenated frame with independent blocks, verifying every checksum the frame declares; dependent
/// blocks and dictionaries are refused, as Kafka refuses them.
/// </summary>
internal static class Lz4FrameCodec
{
    private const uint Magic = 0x184D2204;
    private const byte Flags = 0x60;
    private const byte BlockDescriptor = 0x40;
    private const int BlockSize = 64 * 1024;
    private const uint Uncompressed = 0x8000_0000;

    // Kafka's compression.lz4.level default; at that level Kafka uses LZ4's fast compressor.
    private const int DefaultLevel = 9;

    public static int Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level)
    {
        LZ4Level lz4Level = level is not { } l || l == DefaultLevel || l < 3
            ? LZ4Level.L00_FAST
            : (LZ4Level)Math.Min(l, (int)LZ4Level.L12_MAX);

        Span<byte> header = destination.GetSpan(7);
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        header[4] = Flags;
        header[5] = BlockDescriptor;
        header[6] = HeaderChecksum(header[4..6]);
        destination.Advance(7);
        int written = 7;

        while (!source.IsEmpty)
        {
            ReadOnlySpan<byte> block = source[..Math.Min(BlockSize, source.Length)];
            Span<byte> span = destination.GetSpan(4 + Math.Max(block.Length, LZ4Codec.MaximumOutputSize(block.Length)));
            int compressed = LZ4Codec.Encode(block, span[4..], lz4Level);
            uint size;
            if (compressed > 0 && compressed < block.Length)
            {
                size = (uint)compressed;
            }
            else
            {
                block.CopyTo(span[4..]);
                compressed = block.Length;
                size = (uint)compressed | Uncompressed;
            }
            BinaryPrimitives.WriteUInt32LittleEndian(span, size);
            destination.Advance(4 + compressed);
            written += 4 + compressed;
            source = source[block.Length..];
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination.GetSpan(4), 0);
        destination.Advance(4);
        return written + 4;
    }

    public static void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        do
        {
            source = DecompressFrame(source, ref output);
        }
        while (!source.IsEmpty);
    }

    /// <summary>Decodes one frame and returns the input that follows it.</summary>
    private static ReadOnlySpan<byte> DecompressFrame(ReadOnlySpan<byte> source, scoped ref BoundedOutput output)
    {
        int headerLength = ReadFrameHeader(source, ref output, out bool blockChecksum, out bool contentChecksum,
            out int maxBlock);
        source = source[headerLength..];

        var hash = new XXH32.State();
        XXH32.Reset(ref hash);
        source = DecodeBlocks(source, ref output, maxBlock, blockChecksum, contentChecksum, ref hash);

        if (contentChecksum)
        {
            if (source.Length < 4) output.Corrupt("truncated content checksum");
            if (XXH32.Digest(in hash) != BinaryPrimitives.ReadUInt32LittleEndian(source))
                output.Corrupt("bad content checksum");
            source = source[4..];
        }
        return source;
    }

    /// <summary>Checks the frame header (magic, FLG, BD, the optional content size, the header checksum) and returns
    /// its length; refuses what Samsa does not decode and a declared content size over the limit.</summary>
    private static int ReadFrameHeader(ReadOnlySpan<byte> source, scoped ref BoundedOutput output,
        out bool blockChecksum, out bool contentChecksum, out int maxBlock)
    {
        if (source.Length < 7) output.Corrupt("truncated frame header");
        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic) output.Corrupt("bad frame magic");
        byte flags = source[4];
        byte descriptor = source[5];
        if ((flags >> 6) != 1) output.Corrupt($"unsupported frame version {flags >> 6}");
        if ((flags & 0x02) != 0 || (descriptor & 0x8F) != 0) output.Corrupt("reserved frame bits are set");
        if ((flags & 0x20) == 0) output.Corrupt("dependent blocks are not supported");
        if ((flags & 0x01) != 0) output.Corrupt("dictionaries are not supported");
        blockChecksum = (flags & 0x10) != 0;
        bool contentSize = (flags & 0x08) != 0;
        contentChecksum = (flags & 0x04) != 0;
        int blockSizeId = (descriptor >> 4) & 0x07;
        if (blockSizeId < 4) output.Corrupt($"bad block size id {blockSizeId}");
        maxBlock = 1 << ((2 * blockSizeId) + 8);

        int headerLength = 6 + (contentSize ? 8 : 0);
        if (source.Length < headerLength + 1) output.Corrupt("truncated frame header");
        if (source[headerLength] != HeaderChecksum(source[4..headerLength])) output.Corrupt("bad header checksum");
        if (contentSize)
        {
            // Refuse early what the frame itself says is too large.
            ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(source[6..]);
            output.EnsureRoom((long)Math.Min(declared, long.MaxValue));
        }
        return headerLength + 1;
    }

    /// <summary>Decodes the frame's blocks up to its end mark and returns the input after the mark; feeds
    /// <paramref name="hash"/> when the frame has a content checksum.</summary>
    private static ReadOnlySpan<byte> DecodeBlocks(ReadOnlySpan<byte> source, scoped ref BoundedOutput output,
        int maxBlock, bool blockChecksum, bool contentChecksum, scoped ref XXH32.State hash)
    {
        while (true)
        {
            if (source.Length < 4) output.Corrupt("truncated block size");
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(source);
            source = source[4..];
            if (size == 0) return source;
            bool raw = (size & Uncompressed) != 0;
            int length = (int)(size & ~Uncompressed);
            if (length > maxBlock) output.Corrupt($"block of {length} bytes exceeds the frame's {maxBlock}");
            if (length > source.Length - (blockChecksum ? 4 : 0)) output.Corrupt("truncated block");
            ReadOnlySpan<byte> block = source[..length];
            source = source[length..];
            if (blockChecksum)
            {
                if (XXH32.DigestOf(block) != BinaryPrimitives.ReadUInt32LittleEndian(source))
                    output.Corrupt("bad block checksum");
                source = source[4..];
            }
            if (raw)
            {
                output.Write(block);
                if (contentChecksum) XXH32.Update(ref hash, block);
            }
            else
            {
                DecodeBlock(block, maxBlock, ref output, contentChecksum, ref hash);
            }
        }
    }

    private static void DecodeBlock(ReadOnlySpan<byte> block, int maxBlock, ref BoundedOutput output,
        bool contentChecksum, ref XXH32.State hash)
    {
        if (output.Remaining >= maxBlock)
        {
            Span<byte> target = output.GetChunk(maxBlock);
            int decoded = LZ4Codec.Decode(block, target);
            if (decoded < 0) output.Corrupt("bad compressed block");
            if (contentChecksum) XXH32.Update(ref hash, target[..decoded]);
            output.Advance(decoded);
            return;
        }
        // Near the limit: decode aside so an oversized block reads as too large, not as corrupt.
        byte[] scratch = ArrayPool<byte>.Shared.Rent(maxBlock);
        try
        {
            int decoded = LZ4Codec.Decode(block, scratch.AsSpan(0, maxBlock));
            if (decoded < 0) output.Corrupt("bad compressed block");
            if (contentChecksum) XXH32.Update(ref hash, scratch.AsSpan(0, decoded));
            output.Write(scratch.AsSpan(0, decoded));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The frame descriptor's checksum: the second byte of xxHash32 (seed 0) over FLG through the end.
    /// </summary>
    private static byte HeaderChecksum(ReadOnlySpan<byte> descriptor) => (byte)(XXH32.DigestOf(descriptor) >> 8);
}
