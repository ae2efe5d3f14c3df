using System.Buffers;
using Samsa.Broker.Network;

namespace Samsa.Broker.Handlers;

/// <summary>
/// The destination of a batch the broker rebuilds (recompression):
/// <see cref="Protocol.Records.RecordBatch.TryRecompress"/> asks for one span of the batch's exact size, so this rents
/// that much from <see cref="RecordBuffers"/> once and never grows. The array must outlive the handler's synchronous
/// part: <see cref="Detach"/> hands it to the request's rented list, which returns it after the append; Dispose
/// returns an array that was not detached. Not thread-safe.
/// </summary>
internal sealed class RecordBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[]? _buffer;

    public int WrittenCount { get; private set; }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (_buffer is not null)
            throw new InvalidOperationException("a rebuilt batch is written with one span of its exact size");
        _buffer = RecordBuffers.Rent(Math.Max(sizeHint, 1));
        return _buffer;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)((_buffer?.Length ?? 0) - WrittenCount));
        WrittenCount += count;
    }

    /// <summary>The array holding the bytes written; the caller now returns it to <see cref="RecordBuffers"/>.
    /// </summary>
    public byte[] Detach()
    {
        byte[] buffer = _buffer ?? throw new InvalidOperationException("nothing was written");
        _buffer = null;
        return buffer;
    }

    public void Dispose()
    {
        if (_buffer is not null) RecordBuffers.Return(Detach());
    }
}
