using System.Buffers;
using System.IO.Compression;

namespace Samsa.Protocol.Compression;

/// <summary>gzip (RFC 1952) through System.IO.Compression; concatenated members are read as one stream.</summary>
internal static class GzipCodec
{
    private const int Chunk = 64 * 1024;

    // GZipStream writes nothing at all for no input; a reader expects a stream, so this is written instead:
    // header (no name, no mtime, unknown OS), an empty final stored block, CRC 0, size 0.
    private static ReadOnlySpan<byte> EmptyStream =>
        [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static int Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level)
    {
        if (source.IsEmpty)
        {
            destination.Write(EmptyStream);
            return EmptyStream.Length;
        }
        var sink = new BufferWriterStream(destination);
        // Kafka's default is zlib's default level (6), which is what Optimal means here.
        using (GZipStream gzip = level is { } l
            ? new GZipStream(sink, new ZLibCompressionOptions { CompressionLevel = Math.Clamp(l, -1, 9) })
            : new GZipStream(sink, CompressionLevel.Optimal))
        {
            gzip.Write(source);
        }
        return checked((int)sink.Written);
    }

    public static unsafe void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        // Every gzip stream has a header, even one of no bytes.
        if (source.IsEmpty) output.Corrupt("empty stream");
        fixed (byte* start = source)
        {
            using var input = new UnmanagedMemoryStream(start, source.Length);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            try
            {
                while (true)
                {
                    Span<byte> chunk = output.GetChunk(Chunk);
                    int read = gzip.Read(chunk);
                    if (read == 0) break;
                    output.Advance(read);
                }
            }
            catch (InvalidDataException e)
            {
                output.Corrupt(e);
            }
        }
    }
}
