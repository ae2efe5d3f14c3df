using System.Buffers;
using Samsa.Broker.Network;

namespace Samsa.Broker.Handlers;

/// <summary>
/// A growable buffer rented from <see cref="RecordBuffers"/>, for a batch the broker rebuilds (recompression): the
/// array must outlive the handler's synchronous part, so <see cref="Detach"/> hands it to the request's rented list,
/// which returns it once the append is done. Not thread-safe; Dispose returns an array that was not detached.
/// </summary>
internal sealed class RecordBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = [];
    private int _written;

    public int WrittenCount => _written;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)(_buffer.Length - _written), nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>
    /// The array holding the bytes written, which the caller now returns to <see cref="RecordBuffers"/>.
    /// </summary>
    public byte[] Detach()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _written = 0;
        return buffer;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0) RecordBuffers.Return(Detach());
    }

    private void Reserve(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed) return;
        long size = Math.Max((long)_buffer.Length * 2, (long)_written + needed);
        if (size > Array.MaxLength)
            throw new InvalidOperationException($"a batch cannot grow past {Array.MaxLength} bytes");
        byte[] larger = RecordBuffers.Rent((int)size);
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0) RecordBuffers.Return(_buffer);
        _buffer = larger;
    }
}
