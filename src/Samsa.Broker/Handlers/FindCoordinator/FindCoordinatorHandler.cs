namespace Samsa.Broker.Handlers;

// FindCoordinator v0–6. Behaviour: a group's coordinator is the leader of the __consumer_offsets partition its id
// hashes to; the topic is created on the first request (compacted, offsets.topic.num.partitions partitions). Key
// type 0 (group) only; transaction and share coordinators are not served (COORDINATOR_NOT_AVAILABLE).
// Version notes: v1 adds key type and error message; v3 first flexible; v4 batches keys (KIP-699); v6 share keys.
[ApiHandler(ApiKey.FindCoordinator, MinVersion = 0, MaxVersion = 6)]
internal sealed class FindCoordinatorHandler(GroupCoordinator groups, MetadataLoader metadata)
    : ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse>
{
    private const sbyte GroupKeyType = 0;

    protected override async ValueTask<FindCoordinatorResponse?> HandleAsync(RequestContext context,
        FindCoordinatorRequest request, CancellationToken cancellationToken)
    {
        var response = new FindCoordinatorResponse();
        if (context.ApiVersion < 4)
        {
            (ErrorCode error, int nodeId, string host, int port) =
                await FindAsync(context, request.KeyType, request.Key, cancellationToken).ConfigureAwait(false);
            response.ErrorCode = (short)error;
            response.NodeId = nodeId;
            response.Host = host;
            response.Port = port;
            if (context.ApiVersion >= 1) response.ErrorMessage = null;
            return response;
        }
        foreach (string key in request.CoordinatorKeys)
        {
            (ErrorCode error, int nodeId, string host, int port) =
                await FindAsync(context, request.KeyType, key, cancellationToken).ConfigureAwait(false);
            response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
            {
                Key = key, NodeId = nodeId, Host = host, Port = port, ErrorCode = (short)error, ErrorMessage = null,
            });
        }
        return response;
    }

    private async ValueTask<(ErrorCode, int, string, int)> FindAsync(RequestContext context, sbyte keyType, string key,
        CancellationToken cancellationToken)
    {
        if (keyType != GroupKeyType) return (ErrorCode.CoordinatorNotAvailable, -1, "", -1);
        if (key.Length == 0) return (ErrorCode.InvalidGroupId, -1, "", -1);
        (GroupStatus status, int nodeId) =
            await groups.FindCoordinatorAsync(key, cancellationToken).ConfigureAwait(false);
        if (status != GroupStatus.Ok) return (ErrorMapping.ToErrorCode(status), -1, "", -1);
        if (!metadata.Current.Brokers.TryGetBroker(nodeId, out BrokerRegistration? broker)
            || !broker.TryGetEndpoint(context.ListenerName, out BrokerEndpoint endpoint))
        {
            return (ErrorCode.CoordinatorNotAvailable, -1, "", -1);
        }
        return (ErrorCode.None, nodeId, endpoint.Host, endpoint.Port);
    }
}
