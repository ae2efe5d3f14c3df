using Samsa.Broker.Groups;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

// OffsetDelete v0. Behaviour: deletes a group's committed offsets for the named partitions (KIP-496); refused per
// partition with GROUP_SUBSCRIBED_TO_TOPIC while a member is subscribed to the topic, and for the whole request
// with GROUP_ID_NOT_FOUND for an unknown group or NON_EMPTY_GROUP for a non-consumer group with members.
[ApiHandler(ApiKey.OffsetDelete, MinVersion = 0, MaxVersion = 0)]
internal sealed class OffsetDeleteHandler(GroupCoordinator groups) : ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse>
{
    protected override ValueTask<OffsetDeleteResponse?> HandleAsync(RequestContext context, OffsetDeleteRequest request,
        CancellationToken cancellationToken)
    {
        if (request.GroupId.Length == 0)
            return ValueTask.FromResult<OffsetDeleteResponse?>(ErrorResponse(context, request, ErrorCode.InvalidGroupId));
        ErrorCode status = groups.TryGetShard(request.GroupId, out CoordinatorShard? shard);
        if (status != ErrorCode.None)
            return ValueTask.FromResult<OffsetDeleteResponse?>(ErrorResponse(context, request, status));
        ValueTask<OffsetDeleteResponse> pending = shard!.DeleteOffsetsAsync(request);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult<OffsetDeleteResponse?>(pending.Result)
            : AwaitAsync(pending);
    }

    private static async ValueTask<OffsetDeleteResponse?> AwaitAsync(ValueTask<OffsetDeleteResponse> pending) =>
        await pending.ConfigureAwait(false);
}
