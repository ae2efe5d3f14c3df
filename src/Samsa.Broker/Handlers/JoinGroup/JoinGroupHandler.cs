using System.Net;

namespace Samsa.Broker.Handlers;

// JoinGroup v0–9. Behaviour: Kafka's classic protocol: session.timeout.ms must lie within
// group.min/max.session.timeout.ms (INVALID_SESSION_TIMEOUT); a dynamic member without an id gets one with
// MEMBER_ID_REQUIRED (v4+) and joins again with it; static members (group.instance.id, v5+) replace their earlier
// incarnation; the answer comes when the rebalance completes. Version notes: v1 adds rebalance timeout (v0 uses
// the session timeout); v5 group instance ids; v6 first flexible; v7 protocol type in the response; v8 reason;
// v9 skip-assignment for a static leader that rejoins.
[ApiHandler(ApiKey.JoinGroup, MinVersion = 0, MaxVersion = 9)]
internal sealed class JoinGroupHandler(GroupCoordinator groups) : ApiHandler<JoinGroupRequest, JoinGroupResponse>
{
    protected override ValueTask<JoinGroupResponse?> HandleAsync(RequestContext context, JoinGroupRequest request,
        CancellationToken cancellationToken)
    {
        short version = context.ApiVersion;
        GroupCoordinatorOptions options = groups.Options;
        if (request.GroupId.Length == 0) return Error(ErrorCode.InvalidGroupId, request, version);
        TimeSpan session = TimeSpan.FromMilliseconds(request.SessionTimeoutMs);
        if (session < options.MinSessionTimeout || session > options.MaxSessionTimeout)
            return Error(ErrorCode.InvalidSessionTimeout, request, version);
        TimeSpan rebalance = version >= 1
            ? TimeSpan.FromMilliseconds(Math.Max(0, request.RebalanceTimeoutMs))
            : session;
        long metadataBytes = 0;
        var protocols = new List<(string Name, byte[] Metadata)>(request.Protocols.Count);
        foreach (JoinGroupRequest.JoinGroupRequestProtocol protocol in request.Protocols)
        {
            metadataBytes += protocol.Metadata.Length + protocol.Name.Length;
            protocols.Add((protocol.Name, protocol.Metadata));
        }
        // A member whose metadata alone cannot fit in the group's record could never complete a rebalance; Kafka
        // lets it join and fails every SyncGroup, Samsa refuses the join.
        if (metadataBytes > options.MaxRecordBatchBytes) return Error(ErrorCode.InvalidRequest, request, version);

        GroupStatus status = groups.TryGetShard(request.GroupId, out CoordinatorShard? shard);
        if (status != GroupStatus.Ok) return Error(ErrorMapping.ToErrorCode(status), request, version);
        string clientHost = context.RemoteEndPoint is IPEndPoint ip ? "/" + ip.Address : "";
        var join = new JoinParams(request.MemberId, version >= 5 ? request.GroupInstanceId : null,
            request.ProtocolType, protocols, session, rebalance, context.ClientId ?? "", clientHost, version);
        while (true)
        {
            ClassicGroup? group = shard!.GetOrCreateClassicGroup(request.GroupId);
            if (group is null) return Error(ErrorCode.InconsistentGroupProtocol, request, version);
            Task<JoinResult> pending;
            lock (group.Lock)
            {
                if (group.IsDead) continue;
                pending = group.Join(join);
            }
            return pending.IsCompletedSuccessfully
                ? ValueTask.FromResult<JoinGroupResponse?>(ToResponse(pending.Result, version))
                : AwaitAsync(pending, version);
        }
    }

    private static async ValueTask<JoinGroupResponse?> AwaitAsync(Task<JoinResult> pending, short version) =>
        ToResponse(await pending.ConfigureAwait(false), version);

    private static JoinGroupResponse ToResponse(JoinResult result, short version) => result.Status == GroupStatus.Ok
        ? result.Response!
        : JoinError(ErrorMapping.ToErrorCode(result.Status), result.MemberId, version);

    private static ValueTask<JoinGroupResponse?> Error(ErrorCode error, JoinGroupRequest request, short version) =>
        ValueTask.FromResult<JoinGroupResponse?>(JoinError(error, request.MemberId, version));

    // Kafka's failed join: no generation, the member id the answer names, a null protocol name from v7.
    private static JoinGroupResponse JoinError(ErrorCode error, string memberId, short version) => new()
    {
        ErrorCode = (short)error,
        GenerationId = -1,
        ProtocolName = version >= 7 ? null : "",
        MemberId = memberId,
    };
}
