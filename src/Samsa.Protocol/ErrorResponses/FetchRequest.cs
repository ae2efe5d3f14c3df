namespace Samsa.Protocol.Messages;

// Kafka's FetchRequest.getErrorResponse echoes the session id and, from v13, answers with the top-level error code
// alone: the partitions are named only for versions whose clients may predate that code (it came in v7), and an
// incremental fetch may name no partition at all.
public sealed partial class FetchRequest
{
    static partial void OnErrorResponse(FetchRequest request, FetchResponse response, short version, ErrorCode error)
    {
        if (version >= 7) response.SessionId = request.SessionId;
        if (version >= 13) response.Responses.Clear();
    }
}
