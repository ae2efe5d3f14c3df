using System.Buffers;

namespace Samsa.Protocol.Compression;

/// <summary>
/// Compresses and decompresses the records section of a batch in the byte format each codec has on Kafka's wire:
/// gzip streams, snappy in the xerial framing that the Java client writes (raw snappy blocks, as librdkafka writes,
/// are read too), LZ4 frames with independent 64 KiB blocks, zstd frames.
/// </summary>
/// <remarks>
/// Stateless and thread-safe (zstd contexts are cached per thread). Decompression never writes more than the
/// limit it is given, whatever sizes the input claims, and reports corrupt or oversized input with
/// <see cref="ProtocolException"/> only.
/// </remarks>
public static class CompressionCodec
{
    /// <summary>
    /// Appends the compressed form of <paramref name="source"/> to <paramref name="destination"/>.
    /// </summary>
    /// <param name="type">The codec.</param>
    /// <param name="source">Uncompressed bytes.</param>
    /// <param name="destination">Receives the compressed bytes.</param>
    /// <param name="level">
    /// The codec's level as Kafka's <c>compression.&lt;codec&gt;.level</c> settings give it (gzip 1–9, lz4 1–17,
    /// zstd -131072–22); null for the codec's default. Snappy has no levels.
    /// </param>
    /// <returns>The number of bytes written.</returns>
    public static int Compress(CompressionType type, ReadOnlySpan<byte> source, IBufferWriter<byte> destination,
        int? level = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        switch (type)
        {
            case CompressionType.None:
                destination.Write(source);
                return source.Length;
            case CompressionType.Gzip:
                return GzipCodec.Compress(source, destination, level);
            case CompressionType.Snappy:
                return SnappyCodec.Compress(source, destination);
            case CompressionType.Lz4:
                return Lz4FrameCodec.Compress(source, destination, level);
            case CompressionType.Zstd:
                return ZstdCodec.Compress(source, destination, level);
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown compression type");
        }
    }

    /// <summary>
    /// Appends the decompressed form of <paramref name="source"/> to <paramref name="destination"/>, writing at
    /// most <paramref name="maxOutputBytes"/> bytes.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ProtocolException">
    /// The input is corrupt or truncated, or its output would exceed <paramref name="maxOutputBytes"/>, or the type
    /// is not a known codec. Some bytes may have been written to <paramref name="destination"/> by then.
    /// </exception>
    public static int Decompress(CompressionType type, ReadOnlySpan<byte> source, IBufferWriter<byte> destination,
        int maxOutputBytes)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutputBytes);
        var output = new BoundedOutput(destination, maxOutputBytes, type);
        Decompress(type, source, ref output, maxOutputBytes);
        return output.Written;
    }

    /// <summary>
    /// As <see cref="Decompress(CompressionType, ReadOnlySpan{byte}, IBufferWriter{byte}, int)"/>, telling input
    /// that would pass the limit from corrupt input instead of throwing: for a caller that answers each differently
    /// (a produce batch too large to inflate is MESSAGE_TOO_LARGE, a corrupt one CORRUPT_MESSAGE).
    /// </summary>
    /// <param name="type">The codec.</param>
    /// <param name="source">Compressed bytes.</param>
    /// <param name="destination">Receives the decompressed bytes; some may be written whatever the outcome.</param>
    /// <param name="maxOutputBytes">The most that may be written.</param>
    /// <param name="written">Bytes written to <paramref name="destination"/>, whatever the outcome.</param>
    public static DecompressionStatus TryDecompress(CompressionType type, ReadOnlySpan<byte> source,
        IBufferWriter<byte> destination, int maxOutputBytes, out int written)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutputBytes);
        var output = new BoundedOutput(destination, maxOutputBytes, type);
        try
        {
            Decompress(type, source, ref output, maxOutputBytes);
        }
        catch (ProtocolException)
        {
            // The codecs report both cases by exception; only this rare path pays for one.
            written = output.Written;
            return output.LimitExceeded ? DecompressionStatus.TooLarge : DecompressionStatus.Corrupt;
        }
        written = output.Written;
        return DecompressionStatus.Ok;
    }

    private static void Decompress(CompressionType type, ReadOnlySpan<byte> source, ref BoundedOutput output,
        int maxOutputBytes)
    {
        switch (type)
        {
            case CompressionType.None:
                output.Write(source);
                break;
            case CompressionType.Gzip:
                GzipCodec.Decompress(source, ref output);
                break;
            case CompressionType.Snappy:
                SnappyCodec.Decompress(source, ref output);
                break;
            case CompressionType.Lz4:
                Lz4FrameCodec.Decompress(source, ref output);
                break;
            case CompressionType.Zstd:
                ZstdCodec.Decompress(source, ref output, maxOutputBytes);
                break;
            default:
                throw new ProtocolException($"unknown compression type {(int)type}");
        }
    }
}
