namespace Samsa.Broker.Handlers;

// DeleteGroups v0–2. Behaviour: deletes empty groups with their committed offsets (tombstones in
// __consumer_offsets); a group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
// Version notes: v2 first flexible.
[ApiHandler(ApiKey.DeleteGroups, MinVersion = 0, MaxVersion = 2)]
internal sealed class DeleteGroupsHandler(GroupCoordinator groups)
    : ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse>
{
    protected override async ValueTask<DeleteGroupsResponse?> HandleAsync(RequestContext context,
        DeleteGroupsRequest request, CancellationToken cancellationToken)
    {
        var response = new DeleteGroupsResponse();
        foreach (string groupId in request.GroupsNames)
        {
            CoordinatorShard? shard = null;
            GroupStatus status = groupId.Length == 0
                ? GroupStatus.InvalidGroupId
                : groups.TryGetShard(groupId, out shard);
            if (status == GroupStatus.Ok) status = await shard!.DeleteGroupAsync(groupId).ConfigureAwait(false);
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult
            {
                GroupId = groupId, ErrorCode = (short)ErrorMapping.ToErrorCode(status),
            });
        }
        return response;
    }
}
