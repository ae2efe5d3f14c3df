namespace Samsa.Broker.Handlers;

// Heartbeat v0–4. Behaviour: keeps a classic member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin,
// UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / FENCED_INSTANCE_ID that it is no longer the member it thinks.
// Version notes: v3 group instance ids; v4 first flexible.
[ApiHandler(ApiKey.Heartbeat, MinVersion = 0, MaxVersion = 4)]
internal sealed class HeartbeatHandler(GroupCoordinator groups)
    : SyncApiHandler<HeartbeatRequest, HeartbeatResponse>
{
    protected override HeartbeatResponse Handle(RequestContext context, HeartbeatRequest request)
    {
        ErrorCode error = ErrorMapping.ToErrorCode(Beat(request));
        return new HeartbeatResponse { ErrorCode = (short)error };
    }

    private GroupStatus Beat(HeartbeatRequest request)
    {
        GroupStatus status = groups.TryGetClassicGroup(request.GroupId, out ClassicGroup? group);
        if (status != GroupStatus.Ok) return status;
        lock (group!.Lock) return group.Heartbeat(request);
    }
}
