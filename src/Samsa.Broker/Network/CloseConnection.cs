using System.Diagnostics;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Network;

/// <summary>
/// The response a handler gives when, instead of answering, the connection should close once the responses before
/// it are written: Kafka's answer to an acks=0 produce that failed, since that producer reads no response and would
/// otherwise never learn of the failure (it reconnects and refreshes its metadata).
/// </summary>
internal sealed class CloseConnection : IKafkaMessage
{
    public static readonly CloseConnection Instance = new();

    private CloseConnection()
    {
    }

    public void Write(ref KafkaWriter writer, short version) =>
        throw new UnreachableException("a connection closes instead of writing this response");

    public int GetSize(short version) =>
        throw new UnreachableException("a connection closes instead of writing this response");
}
