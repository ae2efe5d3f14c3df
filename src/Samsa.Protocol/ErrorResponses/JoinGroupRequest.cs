namespace Samsa.Protocol.Messages;

// Kafka's JoinGroupRequest.getErrorResponse leaves the protocol name null from v7, where it may be null; the
// definition's default, which older versions get, is "".
public sealed partial class JoinGroupRequest
{
    static partial void OnErrorResponse(JoinGroupRequest request, JoinGroupResponse response,
        short version, ErrorCode error)
    {
        if (version >= 7) response.ProtocolName = null;
    }
}
