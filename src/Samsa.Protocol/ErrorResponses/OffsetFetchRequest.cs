namespace Samsa.Protocol.Messages;

// Kafka's OffsetFetchRequest.getErrorResponse names the partitions only below v2, where the response has no
// top-level error code: v2–7 answer with that code alone, and v8+ with each group's code and no topics.
public sealed partial class OffsetFetchRequest
{
    static partial void OnErrorResponse(OffsetFetchRequest request, OffsetFetchResponse response,
        short version, ErrorCode error)
    {
        if (version < 2) return;
        response.Topics.Clear();
        foreach (OffsetFetchResponse.OffsetFetchResponseGroup group in response.Groups) group.Topics.Clear();
    }
}
