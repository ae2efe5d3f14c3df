namespace Samsa.Broker.Groups;

// SyncGroup, Heartbeat and LeaveGroup.
internal sealed partial class ClassicGroup
{
    /// <summary>Handles a SyncGroup; the task completes once the leader's assignment is stored.</summary>
    public Task<GroupResult<SyncGroupResponse>> Sync(SyncGroupRequest request, short version)
    {
        GroupStatus status = ValidateMember(request.MemberId, request.GroupInstanceId, request.GenerationId,
            out ClassicMember? member);
        if (status == GroupStatus.Ok
            && ((request.ProtocolType is { } type && type != _protocolType)
                || (request.ProtocolName is { } name && name != ProtocolName)))
        {
            status = GroupStatus.InconsistentGroupProtocol;
        }
        if (status != GroupStatus.Ok) return Completed(SyncFailed(status));

        switch (_state)
        {
            case GroupState.PreparingRebalance:
                return Completed(SyncFailed(GroupStatus.RebalanceInProgress));
            case GroupState.Stable:
                RefreshSession(member!);
                return Completed(GroupResult<SyncGroupResponse>.Ok(SyncResponse(member!, version)));
        }

        // CompletingRebalance: wait for the leader's assignment, which completes every waiting member.
        RefreshSession(member!);
        var response = new TaskCompletionSource<GroupResult<SyncGroupResponse>>(
            TaskCreationOptions.RunContinuationsAsynchronously);
        member!.PendingSync?.TrySetResult(SyncFailed(GroupStatus.RebalanceInProgress));
        member.PendingSync = response;
        member.PendingSyncVersion = version;
        if (member.MemberId != LeaderId) return response.Task;

        var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (SyncGroupRequest.SyncGroupRequestAssignment assignment in request.Assignments)
            assignments[assignment.MemberId] = assignment.Assignment;
        foreach (ClassicMember each in _members.Values)
            each.Assignment = assignments.GetValueOrDefault(each.MemberId) ?? [];
        int generation = GenerationId;
        ValueTask<GroupStatus> stored = StoreAsync();
        if (stored.IsCompletedSuccessfully) OnAssignmentStored(generation, stored.Result);
        else _ = CompleteWhenStoredAsync(stored, generation);
        return response.Task;
    }

    private async Task CompleteWhenStoredAsync(ValueTask<GroupStatus> stored, int generation)
    {
        GroupStatus status = await stored.ConfigureAwait(false);
        lock (Lock) OnAssignmentStored(generation, status);
    }

    private void OnAssignmentStored(int generation, GroupStatus status)
    {
        if (_state != GroupState.CompletingRebalance || GenerationId != generation) return;
        if (status != GroupStatus.Ok)
        {
            // Every waiting member learns why (a group record too large to write is Kafka's UNKNOWN_SERVER_ERROR,
            // which the SyncGroup handler answers), and the group rebalances.
            foreach (ClassicMember member in _members.Values)
            {
                member.Assignment = [];
                if (member.PendingSync is { } sync)
                {
                    member.PendingSync = null;
                    sync.TrySetResult(SyncFailed(status));
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
            sync.TrySetResult(GroupResult<SyncGroupResponse>.Ok(SyncResponse(member, member.PendingSyncVersion)));
        }
    }

    private static GroupResult<SyncGroupResponse> SyncFailed(GroupStatus status) =>
        GroupResult<SyncGroupResponse>.Failed(status);

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
    public GroupStatus Heartbeat(HeartbeatRequest request)
    {
        if (_state == GroupState.Empty) return GroupStatus.UnknownMemberId;
        GroupStatus status = ValidateMember(request.MemberId, request.GroupInstanceId, request.GenerationId,
            out ClassicMember? member);
        if (status != GroupStatus.Ok) return status;
        RefreshSession(member!);
        return _state == GroupState.PreparingRebalance ? GroupStatus.RebalanceInProgress : GroupStatus.Ok;
    }

    /// <summary>Removes the members that leave (by member id, or by instance id for static members).</summary>
    public GroupStatus Leave(string memberId, string? groupInstanceId)
    {
        if (IsDead) return GroupStatus.CoordinatorNotAvailable;
        ClassicMember? member;
        if (groupInstanceId is not null)
        {
            if (!_staticMembers.TryGetValue(groupInstanceId, out string? current)) return GroupStatus.UnknownMemberId;
            if (memberId.Length > 0 && memberId != current) return GroupStatus.FencedInstanceId;
            member = _members[current];
        }
        else
        {
            if (_pendingMembers.Remove(memberId, out ITimer? timer))
            {
                timer.Dispose();
                if (_state == GroupState.PreparingRebalance) MaybeCompleteJoin();
                return GroupStatus.Ok;
            }
            if (!_members.TryGetValue(memberId, out member)) return GroupStatus.UnknownMemberId;
        }
        Shard.Logger.MemberLeft(GroupId, member.MemberId);
        RemoveMemberAndRebalance(member);
        return GroupStatus.Ok;
    }

    /// <summary>Checks a member's identity and generation for Sync, Heartbeat and OffsetCommit.</summary>
    public GroupStatus ValidateMember(string memberId, string? groupInstanceId, int generationId,
        out ClassicMember? member)
    {
        member = null;
        if (IsDead) return GroupStatus.CoordinatorNotAvailable;
        if (groupInstanceId is not null && _staticMembers.TryGetValue(groupInstanceId, out string? current)
            && current != memberId)
        {
            return GroupStatus.FencedInstanceId;
        }
        if (!_members.TryGetValue(memberId, out member)) return GroupStatus.UnknownMemberId;
        if (groupInstanceId is not null && member.GroupInstanceId != groupInstanceId)
            return GroupStatus.FencedInstanceId;
        if (generationId != GenerationId) return GroupStatus.IllegalGeneration;
        return GroupStatus.Ok;
    }

    /// <summary>
    /// Whether a commit from this member and generation is allowed: from a current member (also while a
    /// rebalance gathers members, so it can commit what it is about to give up), or with generation -1 and no
    /// member id while the group is empty (a consumer that assigns partitions itself, or an admin client).
    /// </summary>
    public GroupStatus ValidateCommit(string memberId, string? groupInstanceId, int generationId)
    {
        if (IsDead) return GroupStatus.CoordinatorNotAvailable;
        if (generationId < 0 && memberId.Length == 0)
            return _members.Count == 0 ? GroupStatus.Ok : GroupStatus.UnknownMemberId;
        GroupStatus status = ValidateMember(memberId, groupInstanceId, generationId, out ClassicMember? member);
        if (status != GroupStatus.Ok) return status;
        if (_state == GroupState.CompletingRebalance) return GroupStatus.RebalanceInProgress;
        RefreshSession(member!);
        return GroupStatus.Ok;
    }

    private static void Forget(ValueTask<GroupStatus> pending) => CoordinatorShard.Appended(pending);
}
