using System.Net;

namespace Samsa.Broker.Handlers;

// ConsumerGroupHeartbeat v0–1 (KIP-848). Behaviour: epoch 0 joins (the member id comes from the client from v1,
// from the coordinator in v0), -1 leaves, -2 leaves for a while (static members); other epochs must be the
// member's (FENCED_MEMBER_EPOCH otherwise). The answer carries the member's epoch, the heartbeat interval and, when
// it changed, its assignment; server assignors "uniform" (default) and "range". A classic group with members
// holds the id: GROUP_ID_NOT_FOUND, as Kafka answers. Version notes: v1 client-generated member ids and regexes.
[ApiHandler(ApiKey.ConsumerGroupHeartbeat, MinVersion = 0, MaxVersion = 1)]
internal sealed class ConsumerGroupHeartbeatHandler(GroupCoordinator groups, MetadataLoader metadata)
    : ApiHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>
{
    protected override ValueTask<ConsumerGroupHeartbeatResponse?> HandleAsync(RequestContext context,
        ConsumerGroupHeartbeatRequest request, CancellationToken cancellationToken)
    {
        if (request.GroupId.Length == 0) return Error(ErrorCode.InvalidGroupId, "the group id is empty");
        if (request.MemberEpoch != 0 && request.MemberId.Length == 0)
            return Error(ErrorCode.InvalidRequest, "a member id is required past epoch 0");
        GroupStatus status = groups.TryGetShard(request.GroupId, out CoordinatorShard? shard);
        if (status != GroupStatus.Ok) return Error(ErrorMapping.ToErrorCode(status), null);
        string clientHost = context.RemoteEndPoint is IPEndPoint ip ? "/" + ip.Address : "";
        while (true)
        {
            ConsumerGroup? group = shard!.GetOrCreateConsumerGroup(request.GroupId);
            if (group is null)
                return Error(ErrorCode.GroupIdNotFound, $"group {request.GroupId} is not a consumer group");
            GroupResult<ConsumerGroupHeartbeatResponse> result;
            ValueTask<GroupStatus> stored;
            lock (group.Lock)
            {
                if (group.IsDead) continue;
                result = group.Heartbeat(request, context.ClientId ?? "", clientHost, metadata.Current, out stored);
            }
            return stored.IsCompletedSuccessfully
                ? ValueTask.FromResult<ConsumerGroupHeartbeatResponse?>(Answer(result, stored.Result))
                : AfterStoredAsync(stored, result);
        }
    }

    private static async ValueTask<ConsumerGroupHeartbeatResponse?> AfterStoredAsync(ValueTask<GroupStatus> stored,
        GroupResult<ConsumerGroupHeartbeatResponse> result) => Answer(result, await stored.ConfigureAwait(false));

    // The answer waits for the group's records, as Kafka's does: a member never acts on an epoch that is not stored.
    private static ConsumerGroupHeartbeatResponse Answer(GroupResult<ConsumerGroupHeartbeatResponse> result,
        GroupStatus stored)
    {
        if (stored != GroupStatus.Ok)
            return Failed(ErrorMapping.ToErrorCode(stored), "the group's change could not be written");
        return result.Status == GroupStatus.Ok
            ? result.Value!
            : Failed(ErrorMapping.ToErrorCode(result.Status), result.Message);
    }

    private static ValueTask<ConsumerGroupHeartbeatResponse?> Error(ErrorCode error, string? message) =>
        ValueTask.FromResult<ConsumerGroupHeartbeatResponse?>(Failed(error, message));

    private static ConsumerGroupHeartbeatResponse Failed(ErrorCode error, string? message) => new()
    {
        ErrorCode = (short)error, ErrorMessage = message,
    };

}
