using System.Buffers;
using System.Buffers.Binary;
using Snappier;

namespace Samsa.Protocol.Compression;

/// <summary>
/// Snappy through Snappier. Writes the xerial framing that Kafka's Java client and broker write: a 16-byte header
/// (magic <c>0x82 "SNAPPY" 0</c>, version 1, compatible version 1, both int32 big-endian), then blocks of at most
/// 32 KiB of input, each a raw snappy block behind its int32 big-endian compressed length. Reads that framing and
/// also a bare raw snappy block, which is what librdkafka writes.
/// </summary>
internal static class SnappyCodec
{
    private const int HeaderSize = 16;
    private const int BlockSize = 32 * 1024;

    private static ReadOnlySpan<byte> XerialHeader =>
        [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1];

    private static ReadOnlySpan<byte> XerialMagic => XerialHeader[..8];

    public static int Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        destination.Write(XerialHeader);
        int written = HeaderSize;
        while (!source.IsEmpty)
        {
            ReadOnlySpan<byte> block = source[..Math.Min(BlockSize, source.Length)];
            Span<byte> span = destination.GetSpan(4 + Snappy.GetMaxCompressedLength(block.Length));
            int compressed = Snappy.Compress(block, span[4..]);
            BinaryPrimitives.WriteInt32BigEndian(span, compressed);
            destination.Advance(4 + compressed);
            written += 4 + compressed;
            source = source[block.Length..];
        }
        return written;
    }

    public static void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        if (!source.StartsWith(XerialMagic))
        {
            DecompressBlock(source, ref output);
            return;
        }
        // The version fields are not checked: every writer since 2011 writes 1 and 1.
        if (source.Length < HeaderSize) output.Corrupt("truncated xerial header");
        source = source[HeaderSize..];
        while (!source.IsEmpty)
        {
            if (source.Length < 4) output.Corrupt("truncated xerial block length");
            int length = BinaryPrimitives.ReadInt32BigEndian(source);
            if (length < 0 || length > source.Length - 4)
                output.Corrupt($"xerial block of {length} bytes with {source.Length - 4} remaining");
            DecompressBlock(source.Slice(4, length), ref output);
            source = source[(4 + length)..];
        }
    }

    private static void DecompressBlock(ReadOnlySpan<byte> block, ref BoundedOutput output)
    {
        int length = 0;
        int written = 0;
        try
        {
            length = Snappy.GetUncompressedLength(block);
            Span<byte> target = output.GetExact(length);
            written = Snappy.Decompress(block, target);
        }
        catch (InvalidDataException e)
        {
            output.Corrupt(e);
        }
        catch (ArgumentException e)
        {
            output.Corrupt(e);
        }
        if (written != length) output.Corrupt($"block decoded to {written} bytes, not the {length} it claims");
        output.Advance(written);
    }
}
