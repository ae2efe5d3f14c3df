namespace Samsa.Broker.Handlers;

// ConsumerGroupDescribe v0 (KIP-848). Behaviour: a consumer group's epochs, assignor and members with their
// current and target assignments (topic ids with names); an unknown group or a classic one is GROUP_ID_NOT_FOUND,
// which tells admin clients to describe it with DescribeGroups instead.
[ApiHandler(ApiKey.ConsumerGroupDescribe, MinVersion = 0, MaxVersion = 0)]
internal sealed class ConsumerGroupDescribeHandler(GroupCoordinator groups, MetadataLoader metadata)
    : SyncApiHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>
{
    protected override ConsumerGroupDescribeResponse Handle(RequestContext context,
        ConsumerGroupDescribeRequest request)
    {
        var response = new ConsumerGroupDescribeResponse();
        MetadataImage image = metadata.Current;
        foreach (string groupId in request.GroupIds)
        {
            CoordinatorShard? shard = null;
            GroupStatus status = groupId.Length == 0
                ? GroupStatus.InvalidGroupId
                : groups.TryGetShard(groupId, out shard);
            if (status != GroupStatus.Ok)
            {
                response.Groups.Add(Failed(groupId, ErrorMapping.ToErrorCode(status), null));
                continue;
            }
            if (!shard!.TryGetGroup(groupId, out Group? found) || found is not ConsumerGroup group)
            {
                response.Groups.Add(Failed(groupId, ErrorCode.GroupIdNotFound,
                    found is null ? $"group {groupId} not found" : $"group {groupId} is not a consumer group"));
                continue;
            }
            lock (group.Lock)
            {
                if (group.IsDead)
                {
                    response.Groups.Add(Failed(groupId, ErrorCode.GroupIdNotFound, $"group {groupId} not found"));
                    continue;
                }
                response.Groups.Add(Describe(group, image));
            }
        }
        return response;
    }

    private static ConsumerGroupDescribeResponse.DescribedGroup Describe(ConsumerGroup group, MetadataImage image)
    {
        var described = new ConsumerGroupDescribeResponse.DescribedGroup
        {
            GroupId = group.GroupId,
            GroupState = CoordinatorShard.StateName(group.State),
            GroupEpoch = group.GroupEpoch,
            AssignmentEpoch = group.AssignmentEpoch,
            AssignorName = group.AssignorName,
        };
        foreach (ConsumerGroupMember member in group.Members)
        {
            described.Members.Add(new ConsumerGroupDescribeResponse.Member
            {
                MemberId = member.MemberId,
                InstanceId = member.InstanceId,
                RackId = member.RackId,
                MemberEpoch = member.MemberEpoch,
                ClientId = member.ClientId,
                ClientHost = member.ClientHost,
                SubscribedTopicNames = [.. member.SubscribedTopicNames],
                SubscribedTopicRegex = member.SubscribedTopicRegex,
                Assignment = Assignment(member.Assigned, image),
                TargetAssignment = Assignment(group.Target.GetValueOrDefault(member.MemberId) ?? [], image),
            });
        }
        return described;
    }

    private static ConsumerGroupDescribeResponse.Assignment Assignment(IEnumerable<TopicIdPartition> partitions,
        MetadataImage image)
    {
        var assignment = new ConsumerGroupDescribeResponse.Assignment();
        foreach ((Guid topicId, List<int> list) in ConsumerGroup.ByTopic(partitions))
        {
            assignment.TopicPartitions.Add(new ConsumerGroupDescribeResponse.TopicPartitions
            {
                TopicId = topicId,
                TopicName = image.Topics.TryGetTopic(topicId, out TopicImage? topic) ? topic.Name : "",
                Partitions = list,
            });
        }
        return assignment;
    }

    private static ConsumerGroupDescribeResponse.DescribedGroup Failed(string groupId, ErrorCode error,
        string? message) =>
        new()
        {
            GroupId = groupId, ErrorCode = (short)error, ErrorMessage = message, GroupState = "", AssignorName = "",
        };
}
