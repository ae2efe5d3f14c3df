using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Messages;

namespace Samsa.Protocol.Headers;

/// <summary>
/// Which header version frames an API at a version (protocol/docs/protocol.html, "Headers").
/// Request header v2 and response header v1 go with flexible API versions, v1 and v0 with the others; two
/// exceptions: ControlledShutdown v0 uses request header v0, and ApiVersions responses always use header v0 so
/// that a client can read the reply to a version it guessed.
/// </summary>
public static class HeaderVersions
{
    public static short Request(ApiKey apiKey, short apiVersion)
    {
        if (apiKey == ApiKey.ControlledShutdown && apiVersion == 0) return 0;
        return ApiMessages.Find((short)apiKey) is { } info && info.IsFlexible(apiVersion) ? (short)2 : (short)1;
    }

    public static short Response(ApiKey apiKey, short apiVersion)
    {
        if (apiKey == ApiKey.ApiVersions) return 0;
        return ApiMessages.Find((short)apiKey) is { } info && info.IsFlexible(apiVersion) ? (short)1 : (short)0;
    }

    /// <summary>Reads the api key and version that open every request header, without consuming them.</summary>
    public static bool TryPeekApi(in ReadOnlySequence<byte> frame, out short apiKey, out short apiVersion)
    {
        Span<byte> head = stackalloc byte[4];
        if (frame.Length < 4)
        {
            apiKey = apiVersion = 0;
            return false;
        }
        frame.Slice(0, 4).CopyTo(head);
        apiKey = BinaryPrimitives.ReadInt16BigEndian(head);
        apiVersion = BinaryPrimitives.ReadInt16BigEndian(head[2..]);
        return true;
    }

    /// <summary>
    /// Reads a request header, choosing its version from the api key and version it opens with. For an api key
    /// the definitions do not know, header v1 is read (enough to answer or close the connection).
    /// </summary>
    public static RequestHeader ReadRequestHeader(ref KafkaReader reader, out short headerVersion)
    {
        if (!TryPeekApi(reader.UnreadSequence, out short key, out short version))
            throw new ProtocolException("request frame is shorter than its header");
        headerVersion = Request((ApiKey)key, version);
        return RequestHeader.Read(ref reader, headerVersion);
    }
}
