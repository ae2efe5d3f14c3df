using Samsa.Broker.Groups;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

// OffsetCommit v0–9. Behaviour: a member of the current generation commits (also during a rebalance's join phase,
// not while the assignment is pending); generation -1 with no member id commits for an empty or unknown group
// (self-assigning consumers, admin clients). Metadata over offset.metadata.max.bytes gets
// OFFSET_METADATA_TOO_LARGE for that partition. The answer comes once the commit is in __consumer_offsets.
// Version notes: v1 generation, member and per-partition timestamp; v2–4 retention time (ignored, as Kafka does);
// v6 leader epochs; v7 group instance ids; v8 first flexible; v9 member epochs of consumer groups.
[ApiHandler(ApiKey.OffsetCommit, MinVersion = 0, MaxVersion = 9)]
internal sealed class OffsetCommitHandler(GroupCoordinator groups) : ApiHandler<OffsetCommitRequest, OffsetCommitResponse>
{
    protected override ValueTask<OffsetCommitResponse?> HandleAsync(RequestContext context, OffsetCommitRequest request,
        CancellationToken cancellationToken)
    {
        if (request.GroupId.Length == 0)
            return ValueTask.FromResult<OffsetCommitResponse?>(ErrorResponse(context, request, ErrorCode.InvalidGroupId));
        ErrorCode status = groups.TryGetShard(request.GroupId, out CoordinatorShard? shard);
        if (status != ErrorCode.None)
            return ValueTask.FromResult<OffsetCommitResponse?>(ErrorResponse(context, request, status));
        if (context.ApiVersion == 0) request.GenerationIdOrMemberEpoch = -1;
        ValueTask<OffsetCommitResponse> pending = shard!.CommitOffsetsAsync(request, context.ApiVersion);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult<OffsetCommitResponse?>(pending.Result)
            : AwaitAsync(pending);
    }

    private static async ValueTask<OffsetCommitResponse?> AwaitAsync(ValueTask<OffsetCommitResponse> pending) =>
        await pending.ConfigureAwait(false);
}
