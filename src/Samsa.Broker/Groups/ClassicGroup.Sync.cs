using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Groups;

// SyncGroup, Heartbeat and LeaveGroup.
internal sealed partial class ClassicGroup
{
    /// <summary>Handles a SyncGroup; the task completes once the leader's assignment is stored.</summary>
    public Task<SyncGroupResponse> Sync(SyncGroupRequest request, short version)
    {
        ErrorCode error = ValidateMember(request.MemberId, request.GroupInstanceId, request.GenerationId,
            out ClassicMember? member);
        if (error == ErrorCode.None
            && ((request.ProtocolType is { } type && type != _protocolType)
                || (request.ProtocolName is { } name && name != ProtocolName)))
        {
            error = ErrorCode.InconsistentGroupProtocol;
        }
        if (error != ErrorCode.None) return Completed(new SyncGroupResponse { ErrorCode = (short)error });

        switch (_state)
        {
            case GroupState.PreparingRebalance:
                return Completed(new SyncGroupResponse { ErrorCode = (short)ErrorCode.RebalanceInProgress });
            case GroupState.Stable:
                RefreshSession(member!);
                return Completed(SyncResponse(member!, version));
        }

        // CompletingRebalance: wait for the leader's assignment, which completes every waiting member.
        RefreshSession(member!);
        var response = new TaskCompletionSource<SyncGroupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        member!.PendingSync?.TrySetResult(new SyncGroupResponse { ErrorCode = (short)ErrorCode.RebalanceInProgress });
        member.PendingSync = response;
        member.PendingSyncVersion = version;
        if (member.MemberId != LeaderId) return response.Task;

        var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (SyncGroupRequest.SyncGroupRequestAssignment assignment in request.Assignments)
            assignments[assignment.MemberId] = assignment.Assignment;
        foreach (ClassicMember each in _members.Values)
            each.Assignment = assignments.GetValueOrDefault(each.MemberId) ?? [];
        int generation = GenerationId;
        ValueTask<ErrorCode> stored = StoreAsync();
        if (stored.IsCompletedSuccessfully) OnAssignmentStored(generation, stored.Result);
        else _ = CompleteWhenStoredAsync(stored, generation);
        return response.Task;
    }

    private async Task CompleteWhenStoredAsync(ValueTask<ErrorCode> stored, int generation)
    {
        ErrorCode error = await stored.ConfigureAwait(false);
        lock (Lock) OnAssignmentStored(generation, error);
    }

    private void OnAssignmentStored(int generation, ErrorCode error)
    {
        if (_state != GroupState.CompletingRebalance || GenerationId != generation) return;
        if (error != ErrorCode.None)
        {
            // Kafka's answer to a group record that cannot be written for its size.
            if (error == ErrorCode.RecordListTooLarge) error = ErrorCode.UnknownServerError;
            foreach (ClassicMember member in _members.Values)
            {
                member.Assignment = [];
                if (member.PendingSync is { } sync)
                {
                    member.PendingSync = null;
                    sync.TrySetResult(new SyncGroupResponse { ErrorCode = (short)error });
                }
            }
            PrepareRebalance();
            return;
        }
        SetState(GroupState.Stable);
        foreach (ClassicMember member in _members.Values)
        {
            if (member.PendingSync is not { } sync) continue;
            member.PendingSync = null;
            sync.TrySetResult(SyncResponse(member, member.PendingSyncVersion));
        }
    }

    private SyncGroupResponse SyncResponse(ClassicMember member, short version)
    {
        var response = new SyncGroupResponse { Assignment = member.Assignment };
        if (version >= 5)
        {
            response.ProtocolType = _protocolType;
            response.ProtocolName = ProtocolName;
        }
        return response;
    }

    /// <summary>Handles a Heartbeat: refreshes the session and tells the member whether to rejoin.</summary>
    public ErrorCode Heartbeat(HeartbeatRequest request)
    {
        if (_state == GroupState.Empty) return ErrorCode.UnknownMemberId;
        ErrorCode error = ValidateMember(request.MemberId, request.GroupInstanceId, request.GenerationId,
            out ClassicMember? member);
        if (error != ErrorCode.None) return error;
        RefreshSession(member!);
        return _state == GroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
    }

    /// <summary>Removes the members that leave (by member id, or by instance id for static members).</summary>
    public ErrorCode Leave(string memberId, string? groupInstanceId)
    {
        if (IsDead) return ErrorCode.CoordinatorNotAvailable;
        ClassicMember? member;
        if (groupInstanceId is not null)
        {
            if (!_staticMembers.TryGetValue(groupInstanceId, out string? current)) return ErrorCode.UnknownMemberId;
            if (memberId.Length > 0 && memberId != current) return ErrorCode.FencedInstanceId;
            member = _members[current];
        }
        else
        {
            if (_pendingMembers.Remove(memberId, out ITimer? timer))
            {
                timer.Dispose();
                if (_state == GroupState.PreparingRebalance) MaybeCompleteJoin();
                return ErrorCode.None;
            }
            if (!_members.TryGetValue(memberId, out member)) return ErrorCode.UnknownMemberId;
        }
        Shard.Logger.MemberLeft(GroupId, member.MemberId);
        RemoveMemberAndRebalance(member);
        return ErrorCode.None;
    }

    /// <summary>Checks a member's identity and generation for Sync, Heartbeat and OffsetCommit.</summary>
    public ErrorCode ValidateMember(string memberId, string? groupInstanceId, int generationId,
        out ClassicMember? member)
    {
        member = null;
        if (IsDead) return ErrorCode.CoordinatorNotAvailable;
        if (groupInstanceId is not null && _staticMembers.TryGetValue(groupInstanceId, out string? current)
            && current != memberId)
        {
            return ErrorCode.FencedInstanceId;
        }
        if (!_members.TryGetValue(memberId, out member)) return ErrorCode.UnknownMemberId;
        if (groupInstanceId is not null && member.GroupInstanceId != groupInstanceId) return ErrorCode.FencedInstanceId;
        if (generationId != GenerationId) return ErrorCode.IllegalGeneration;
        return ErrorCode.None;
    }

    /// <summary>
    /// Whether a commit from this member and generation is allowed: from a current member (also while a
    /// rebalance gathers members, so it can commit what it is about to give up), or with generation -1 and no
    /// member id while the group is empty (a consumer that assigns partitions itself, or an admin client).
    /// </summary>
    public ErrorCode ValidateCommit(string memberId, string? groupInstanceId, int generationId)
    {
        if (IsDead) return ErrorCode.CoordinatorNotAvailable;
        if (generationId < 0 && memberId.Length == 0)
            return _members.Count == 0 ? ErrorCode.None : ErrorCode.UnknownMemberId;
        ErrorCode error = ValidateMember(memberId, groupInstanceId, generationId, out ClassicMember? member);
        if (error != ErrorCode.None) return error;
        if (_state == GroupState.CompletingRebalance) return ErrorCode.RebalanceInProgress;
        RefreshSession(member!);
        return ErrorCode.None;
    }

    private static void Forget(ValueTask<ErrorCode> pending) => CoordinatorShard.Appended(pending);
}
