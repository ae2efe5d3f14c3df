using System.Buffers.Binary;

namespace Samsa.GoldenCapture;

/// <summary>
/// One request frame as the client sent it and the response frame as the mock broker answered it, both without
/// their 4-byte size prefix. <see cref="Response"/> is null when no answer came before the proxy stopped.
/// </summary>
internal sealed class FrameExchange
{
    public FrameExchange(long sequence, int connectionId, byte[] request)
    {
        Sequence = sequence;
        ConnectionId = connectionId;
        Request = request;
        ApiKey = BinaryPrimitives.ReadInt16BigEndian(request);
        ApiVersion = BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(2));
        CorrelationId = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4));
        var cursor = new WireCursor(request);
        ClientId = cursor.SkipRequestHeader(ApiCatalog.RequestHeaderVersion(ApiKey, ApiVersion));
    }

    /// <summary>Order in which the proxy received the request, across all connections.</summary>
    public long Sequence { get; }

    public int ConnectionId { get; }

    public short ApiKey { get; }

    public short ApiVersion { get; }

    public int CorrelationId { get; }

    public string? ClientId { get; }

    public byte[] Request { get; }

    public byte[]? Response { get; set; }

    /// <summary>What the proxy changed in the copy of the response it passed on to the client, if anything.</summary>
    public string? ResponseRewrite { get; set; }

    public string ApiName => ApiCatalog.Name(ApiKey);
}
