using System.Buffers;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Samsa.Protocol.Compression;

/// <summary>
/// Zstandard through ZstdSharp: one frame with its content size on write, any sequence of frames on read. Contexts
/// are expensive to create, so each thread keeps one compressor and one decompressor.
/// </summary>
internal static class ZstdCodec
{
    private const int Chunk = 64 * 1024;

    // Kafka's compression.zstd.level default.
    private const int DefaultLevel = 3;

    // A frame may ask for a window of up to 2^27 bytes, which the decoder allocates up front unless the frame
    // gives its content size. The window never needs to exceed the output, so it is capped near the limit; the
    // floor leaves room for any level's streaming window (level 19 uses 2^23).
    private const int MinWindowLog = 23;
    private const int MaxWindowLog = 27;

    [ThreadStatic]
    private static Compressor? _compressor;

    [ThreadStatic]
    private static Decompressor? _decompressor;

    public static int Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level)
    {
        int l = Math.Clamp(level ?? DefaultLevel, Compressor.MinCompressionLevel, Compressor.MaxCompressionLevel);
        Compressor compressor = _compressor ??= new Compressor(l);
        if (compressor.Level != l) compressor.Level = l;
        Span<byte> target = destination.GetSpan(Compressor.GetCompressBound(source.Length));
        int written = compressor.Wrap(source, target);
        destination.Advance(written);
        return written;
    }

    public static void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output, int limit)
    {
        Decompressor decompressor = _decompressor ??= new Decompressor();
        try
        {
            decompressor.ResetStream();
            int windowLog = Math.Clamp(64 - (int)ulong.LeadingZeroCount((ulong)Math.Max(limit, 1) - 1),
                MinWindowLog, MaxWindowLog);
            decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, windowLog);
            OperationStatus status = OperationStatus.Done;
            while (true)
            {
                Span<byte> chunk = output.GetChunk(Chunk);
                status = decompressor.UnwrapStream(source, chunk, out int consumed, out int written);
                if (status == OperationStatus.InvalidData) break;
                source = source[consumed..];
                output.Advance(written);
                if (status == OperationStatus.Done && source.IsEmpty) return;
                if (consumed == 0 && written == 0) break;
            }
            output.Corrupt(status == OperationStatus.InvalidData ? "invalid frame" : "truncated frame");
        }
        catch (ZstdException e)
        {
            // The context may be mid-frame; a fresh one is cheaper than reasoning about its state.
            _decompressor = null;
            decompressor.Dispose();
            output.Corrupt(e);
        }
    }
}
