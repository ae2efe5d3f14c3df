using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression;

/// <summary>
/// The destination of a decompression: forwards to an <see cref="IBufferWriter{T}"/> and refuses to go past a limit,
/// so a hostile batch cannot make the broker allocate more than the caller allowed.
/// </summary>
internal struct BoundedOutput
{
    private readonly IBufferWriter<byte> _destination;
    private readonly int _limit;
    private readonly CompressionType _codec;

    public BoundedOutput(IBufferWriter<byte> destination, int limit, CompressionType codec)
    {
        _destination = destination;
        _limit = limit;
        _codec = codec;
        Written = 0;
    }

    public int Written { get; private set; }

    /// <summary>True once the input was found to decompress past the limit (the exception then says so).</summary>
    public bool LimitExceeded { get; private set; }

    public readonly int Remaining => _limit - Written;

    /// <summary>
    /// A span to decompress into, of at most <paramref name="chunk"/> bytes and never more than one byte past the
    /// limit: a codec that fills that extra byte has proven its output too large.
    /// </summary>
    public readonly Span<byte> GetChunk(int chunk)
    {
        int size = (int)Math.Min(chunk, (long)Remaining + 1);
        return _destination.GetSpan(size)[..size];
    }

    /// <summary>A span of exactly <paramref name="size"/> bytes, after checking the limit.</summary>
    public Span<byte> GetExact(int size)
    {
        EnsureRoom(size);
        return _destination.GetSpan(size)[..size];
    }

    public void Advance(int count)
    {
        EnsureRoom(count);
        _destination.Advance(count);
        Written += count;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        EnsureRoom(bytes.Length);
        _destination.Write(bytes);
        Written += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnsureRoom(long count)
    {
        if (count < 0 || count > Remaining) TooLarge(count);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void TooLarge(long count)
    {
        LimitExceeded = count >= 0;
        throw new ProtocolException(
            $"{_codec} data decompresses to more than {_limit} bytes ({Written} written, {count} more claimed)");
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public readonly void Corrupt(string detail) => throw new ProtocolException($"corrupt {_codec} data: {detail}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public readonly void Corrupt(Exception inner) =>
        throw new ProtocolException($"corrupt {_codec} data: {inner.Message}", inner);
}
