namespace Samsa.Broker.Handlers;

// SyncGroup v0–5. Behaviour: the leader sends every member's assignment, which is stored in __consumer_offsets
// before any member gets its own; other members wait for it. A sync during a new rebalance gets
// REBALANCE_IN_PROGRESS, one from an old generation ILLEGAL_GENERATION. Version notes: v3 group instance ids;
// v4 first flexible; v5 protocol type and name (checked against the group's).
[ApiHandler(ApiKey.SyncGroup, MinVersion = 0, MaxVersion = 5)]
internal sealed class SyncGroupHandler(GroupCoordinator groups) : ApiHandler<SyncGroupRequest, SyncGroupResponse>
{
    protected override ValueTask<SyncGroupResponse?> HandleAsync(RequestContext context, SyncGroupRequest request,
        CancellationToken cancellationToken)
    {
        GroupStatus status = groups.TryGetClassicGroup(request.GroupId, out ClassicGroup? group);
        if (status != GroupStatus.Ok)
        {
            return ValueTask.FromResult<SyncGroupResponse?>(
                new SyncGroupResponse { ErrorCode = (short)ErrorMapping.ToErrorCode(status) });
        }
        Task<GroupResult<SyncGroupResponse>> pending;
        lock (group!.Lock) pending = group.Sync(request, context.ApiVersion);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult<SyncGroupResponse?>(ToResponse(pending.Result))
            : AwaitAsync(pending);
    }

    private static async ValueTask<SyncGroupResponse?> AwaitAsync(Task<GroupResult<SyncGroupResponse>> pending) =>
        ToResponse(await pending.ConfigureAwait(false));

    private static SyncGroupResponse ToResponse(GroupResult<SyncGroupResponse> result) =>
        result.Status == GroupStatus.Ok
            ? result.Value!
            : new SyncGroupResponse { ErrorCode = (short)ErrorMapping.ToSyncGroupErrorCode(result.Status) };
}
