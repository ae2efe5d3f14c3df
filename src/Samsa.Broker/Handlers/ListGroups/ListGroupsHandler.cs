namespace Samsa.Broker.Handlers;

// ListGroups v0–5. Behaviour: the groups this broker coordinates (clients ask every broker and merge), filtered by
// state (v4+) and type (v5+, "classic" or "consumer"), case-insensitively; COORDINATOR_LOAD_IN_PROGRESS while a
// partition of __consumer_offsets is still loading, with the groups of the loaded ones. Version notes: v3 first
// flexible; v4 states; v5 types.
[ApiHandler(ApiKey.ListGroups, MinVersion = 0, MaxVersion = 5)]
internal sealed class ListGroupsHandler(GroupCoordinator groups) : SyncApiHandler<ListGroupsRequest, ListGroupsResponse>
{
    protected override ListGroupsResponse Handle(RequestContext context, ListGroupsRequest request)
    {
        var response = new ListGroupsResponse();
        short version = context.ApiVersion;
        IReadOnlyList<string> states = version >= 4 ? request.StatesFilter : [];
        IReadOnlyList<string> types = version >= 5 ? request.TypesFilter : [];
        foreach (CoordinatorShard shard in groups.Shards)
        {
            GroupStatus status = shard.Status;
            if (status == GroupStatus.CoordinatorLoadInProgress)
                response.ErrorCode = (short)ErrorMapping.ToErrorCode(status);
            if (status != GroupStatus.Ok) continue;
            shard.ListGroups(response.Groups, states, types);
        }
        if (version < 4 || version < 5)
        {
            foreach (ListGroupsResponse.ListedGroup group in response.Groups)
            {
                if (version < 4) group.GroupState = "";
                if (version < 5) group.GroupType = "";
            }
        }
        response.Groups.Sort(static (a, b) => string.CompareOrdinal(a.GroupId, b.GroupId));
        return response;
    }
}
