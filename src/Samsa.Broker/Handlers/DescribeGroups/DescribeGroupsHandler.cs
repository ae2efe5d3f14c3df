namespace Samsa.Broker.Handlers;

// DescribeGroups v0–5. Behaviour: state, protocol type and, while Stable, the chosen assignor and each member's
// metadata and assignment (other states list members without them); an unknown group is Dead with no members, as
// Kafka answers. Version notes: v3 authorized operations (not computed: Samsa has no ACLs); v4 group instance
// ids; v5 first flexible.
[ApiHandler(ApiKey.DescribeGroups, MinVersion = 0, MaxVersion = 5)]
internal sealed class DescribeGroupsHandler(GroupCoordinator groups)
    : SyncApiHandler<DescribeGroupsRequest, DescribeGroupsResponse>
{
    protected override DescribeGroupsResponse Handle(RequestContext context, DescribeGroupsRequest request)
    {
        var response = new DescribeGroupsResponse();
        foreach (string groupId in request.Groups)
        {
            CoordinatorShard? shard = null;
            GroupStatus status = groupId.Length == 0
                ? GroupStatus.InvalidGroupId
                : groups.TryGetShard(groupId, out shard);
            response.Groups.Add(status == GroupStatus.Ok
                ? shard!.Describe(groupId, context.ApiVersion)
                : Failed(groupId, ErrorMapping.ToErrorCode(status)));
        }
        return response;
    }

    private static DescribeGroupsResponse.DescribedGroup Failed(string groupId, ErrorCode error) => new()
    {
        GroupId = groupId, ErrorCode = (short)error, GroupState = "", ProtocolType = "", ProtocolData = "",
    };
}
