using Samsa.Broker.Network;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Handlers;

/// <summary>
/// A Fetch response whose record data sits in buffers rented from <see cref="RecordBuffers"/>; the connection
/// disposes it once the response is written, which returns them.
/// </summary>
/// <remarks>
/// Partitions' reads are packed into few buffers: each read goes into the room left in the last buffer, and when it
/// does not fit, the next buffer is twice the last, up to the largest size the pool keeps. A response of n partitions
/// holds O(log n) buffers of distinct sizes, where one buffer per partition would outrun the pool's few arrays per size
/// and allocate fresh ones (on the large object heap, past 85 KB) for every partition beyond them.
/// </remarks>
internal sealed class FetchResponseLease : IKafkaMessage, IDisposable
{
    private List<byte[]>? _rented;
    private byte[]? _last;
    private int _lastUsed;

    public FetchResponseLease()
        : this(new FetchResponse())
    {
    }

    /// <summary>A lease over a response that holds no rented buffers yet, such as a generated error response.</summary>
    public FetchResponseLease(FetchResponse response) => Response = response;

    public FetchResponse Response { get; }

    /// <summary>Bytes of records the response carries.</summary>
    public long RecordBytes { get; private set; }

    /// <summary>Rents <paramref name="length"/> bytes that live until the response is sent.</summary>
    public Memory<byte> Rent(int length)
    {
        if (_last is null || _last.Length - _lastUsed < length)
        {
            // Doubling stops at the largest size the pool keeps: past it every buffer would be a fresh array.
            int size = _last is null ? length : (int)Math.Min(2L * _last.Length, RecordBuffers.LargestPooled);
            _last = RecordBuffers.Rent(Math.Max(size, length));
            _lastUsed = 0;
            (_rented ??= []).Add(_last);
        }
        Memory<byte> memory = _last.AsMemory(_lastUsed, length);
        _lastUsed += length;
        RecordBytes += length;
        return memory;
    }

    public void Write(ref KafkaWriter writer, short version) => Response.Write(ref writer, version);

    public int GetSize(short version) => Response.GetSize(version);

    public void Dispose()
    {
        List<byte[]>? rented = Interlocked.Exchange(ref _rented, null);
        if (rented is null) return;
        foreach (byte[] buffer in rented) RecordBuffers.Return(buffer);
    }
}
