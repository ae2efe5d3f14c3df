namespace Samsa.Broker.Handlers;

// LeaveGroup v0–5. Behaviour: removes members at once (no session timeout to wait for) and starts a rebalance;
// static members leave by group instance id. Version notes: v3 batches members (KIP-345); v4 first flexible;
// v5 adds a reason.
[ApiHandler(ApiKey.LeaveGroup, MinVersion = 0, MaxVersion = 5)]
internal sealed class LeaveGroupHandler(GroupCoordinator groups) : SyncApiHandler<LeaveGroupRequest, LeaveGroupResponse>
{
    protected override LeaveGroupResponse Handle(RequestContext context, LeaveGroupRequest request)
    {
        bool batched = context.ApiVersion >= 3;
        var response = new LeaveGroupResponse();
        GroupStatus status = groups.TryGetClassicGroup(request.GroupId, out ClassicGroup? group);
        if (status != GroupStatus.Ok)
        {
            response.ErrorCode = (short)ErrorMapping.ToErrorCode(status);
            return response;
        }
        lock (group!.Lock)
        {
            if (!batched)
            {
                response.ErrorCode = (short)ErrorMapping.ToErrorCode(group.Leave(request.MemberId, null));
                return response;
            }
            foreach (LeaveGroupRequest.MemberIdentity member in request.Members)
            {
                GroupStatus left = group.Leave(member.MemberId, member.GroupInstanceId);
                response.Members.Add(new LeaveGroupResponse.MemberResponse
                {
                    MemberId = member.MemberId,
                    GroupInstanceId = member.GroupInstanceId,
                    ErrorCode = (short)ErrorMapping.ToErrorCode(left),
                });
            }
        }
        return response;
    }
}
