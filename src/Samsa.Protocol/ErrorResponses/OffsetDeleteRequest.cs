namespace Samsa.Protocol.Messages;

// Kafka's OffsetDeleteRequest.getErrorResponse answers with the top-level error code alone, naming no partition.
public sealed partial class OffsetDeleteRequest
{
    static partial void OnErrorResponse(OffsetDeleteRequest request, OffsetDeleteResponse response,
        short version, ErrorCode error) =>
        response.Topics.Clear();
}
