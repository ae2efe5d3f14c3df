using Samsa.Broker.Network;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Handlers;

/// <summary>
/// A Fetch response whose record data sits in buffers rented from <see cref="RecordBuffers"/>; the connection disposes it
/// once the response is written, which returns them.
/// </summary>
internal sealed class FetchResponseLease : IKafkaMessage, IDisposable
{
    private List<byte[]>? _rented;

    public FetchResponse Response { get; } = new();

    /// <summary>Bytes of records the response carries.</summary>
    public long RecordBytes { get; private set; }

    /// <summary>Rents a buffer of at least <paramref name="length"/> bytes that lives until the response is sent.</summary>
    public byte[] Rent(int length)
    {
        byte[] buffer = RecordBuffers.Rent(length);
        (_rented ??= []).Add(buffer);
        RecordBytes += length;
        return buffer;
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
