using System.Buffers;

namespace Samsa.Protocol.Records;

/// <summary>
/// A contiguous, growable buffer rented from <see cref="ArrayPool{T}.Shared"/>: the destination of decompression
/// and of the builder's records section. Not thread-safe; Dispose returns the array once.
/// </summary>
/// <param name="initialCapacity">The size of the first array.</param>
/// <param name="growthLimit">The size growth stops at (unless a single request needs more): a decompression
/// bounded at n bytes asks for at most n + 1, so doubling must not rent twice that.</param>
internal sealed class PooledBufferWriter(int initialCapacity, int growthLimit = int.MaxValue)
    : IBufferWriter<byte>, IDisposable
{
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Min(initialCapacity, growthLimit), 256));
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => Buffer.AsSpan(0, _written);

    public int WrittenCount => _written;

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledBufferWriter));

    public void Advance(int count)
    {
        if ((uint)count > (uint)(Buffer.Length - _written)) throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return Buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return Buffer.AsSpan(_written);
    }

    public void Clear() => _written = 0;

    private void Reserve(int sizeHint)
    {
        byte[] buffer = Buffer;
        int needed = Math.Max(sizeHint, 1);
        if (buffer.Length - _written >= needed) return;
        if ((long)_written + needed > Array.MaxLength)
            throw new InvalidOperationException($"a buffer cannot grow past {Array.MaxLength} bytes");
        long size = Math.Max((long)buffer.Length * 2, (long)_written + needed);
        size = Math.Min(size, Math.Max(growthLimit, (long)_written + needed));
        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, Array.MaxLength));
        buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        byte[]? buffer = _buffer;
        _buffer = null;
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
