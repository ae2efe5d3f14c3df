namespace Samsa.Broker.Groups;

// JoinGroup: new members (with the member-id-required round trip for dynamic members from v4), static members
// (group.instance.id) replacing their earlier incarnation, rejoining members, and completing the rebalance.
internal sealed partial class ClassicGroup
{
    /// <summary>Handles a JoinGroup; the task completes when the member's join is answered.</summary>
    public Task<JoinResult> Join(JoinParams request)
    {
        if (IsDead) return Completed(JoinResult.Failed(GroupStatus.CoordinatorNotAvailable, request.MemberId));
        if (!AcceptsProtocols(request))
            return Completed(JoinResult.Failed(GroupStatus.InconsistentGroupProtocol, request.MemberId));
        return request.MemberId.Length == 0 ? JoinNewMember(request) : JoinKnownMember(request);
    }

    private bool AcceptsProtocols(JoinParams request)
    {
        if (request.ProtocolType.Length == 0 || request.Protocols.Count == 0) return false;
        if (_members.Count == 0) return true;
        if (request.ProtocolType != _protocolType) return false;
        // Some protocol every current member supports must be among the joiner's.
        foreach ((string name, _) in request.Protocols)
        {
            bool all = true;
            foreach (ClassicMember member in _members.Values)
            {
                if (member.MemberId == request.MemberId) continue;
                if (member.MetadataFor(name) is null)
                {
                    all = false;
                    break;
                }
            }
            if (all) return true;
        }
        return false;
    }

    private Task<JoinResult> JoinNewMember(JoinParams request)
    {
        if (request.GroupInstanceId is { } instance)
        {
            if (_staticMembers.TryGetValue(instance, out string? oldId)
                && _members.TryGetValue(oldId, out ClassicMember? old))
                return ReplaceStaticMember(old, request);
            string staticId = instance + "-" + Guid.NewGuid().ToString("D");
            return AddMemberAndRebalance(staticId, request);
        }
        string memberId = request.ClientId + "-" + Guid.NewGuid().ToString("D");
        if (_members.Count + _pendingMembers.Count >= Options.MaxSize)
            return Completed(JoinResult.Failed(GroupStatus.GroupMaxSizeReached, ""));
        if (request.Version >= 4)
        {
            // KIP-394: the member learns its id first and joins with it, so a client that retries a timed-out join
            // does not leave a stranger behind. It must come back within its session timeout.
            ITimer timer = Time.CreateTimer(static state =>
            {
                var (group, id) = ((ClassicGroup, string))state!;
                group.OnPendingMemberExpired(id);
            }, (this, memberId), request.SessionTimeout, Timeout.InfiniteTimeSpan);
            _pendingMembers[memberId] = timer;
            return Completed(JoinResult.Failed(GroupStatus.MemberIdRequired, memberId));
        }
        return AddMemberAndRebalance(memberId, request);
    }

    private void OnPendingMemberExpired(string memberId)
    {
        lock (Lock)
        {
            if (!_pendingMembers.Remove(memberId, out ITimer? timer)) return;
            timer.Dispose();
            if (_state == GroupState.PreparingRebalance) MaybeCompleteJoin();
        }
    }

    private Task<JoinResult> JoinKnownMember(JoinParams request)
    {
        string memberId = request.MemberId;
        if (_pendingMembers.Remove(memberId, out ITimer? pendingTimer))
        {
            pendingTimer.Dispose();
            return AddMemberAndRebalance(memberId, request);
        }
        if (request.GroupInstanceId is { } instance)
        {
            if (_staticMembers.TryGetValue(instance, out string? current) && current != memberId)
                return Completed(JoinResult.Failed(GroupStatus.FencedInstanceId, memberId));
        }
        if (!_members.TryGetValue(memberId, out ClassicMember? member) || _state is GroupState.Empty)
            return Completed(JoinResult.Failed(GroupStatus.UnknownMemberId, memberId));
        if (member.GroupInstanceId != request.GroupInstanceId)
            return Completed(JoinResult.Failed(GroupStatus.FencedInstanceId, memberId));

        switch (_state)
        {
            case GroupState.PreparingRebalance:
                return UpdateMemberAndRebalance(member, request);
            case GroupState.CompletingRebalance:
                // A retried join of the same generation gets the same answer; a changed subscription rebalances.
                if (member.SameProtocols(request.Protocols))
                    return Completed(JoinResult.Joined(JoinResponse(member, request.Version)));
                return UpdateMemberAndRebalance(member, request);
            default:
                if (memberId == LeaderId || !member.SameProtocols(request.Protocols))
                    return UpdateMemberAndRebalance(member, request);
                return Completed(JoinResult.Joined(JoinResponse(member, request.Version)));
        }
    }

    private Task<JoinResult> AddMemberAndRebalance(string memberId, JoinParams request)
    {
        if (_members.Count >= Options.MaxSize)
            return Completed(JoinResult.Failed(GroupStatus.GroupMaxSizeReached, memberId));
        var member = new ClassicMember(this, memberId, request.GroupInstanceId, request.ClientId, request.ClientHost);
        Update(member, request);
        if (_members.Count == 0) _protocolType = request.ProtocolType;
        _members[memberId] = member;
        if (request.GroupInstanceId is { } instance) _staticMembers[instance] = memberId;
        LeaderId ??= memberId;
        if (_inInitialDelay) _joinedDuringDelay = true;
        return AwaitJoin(member, request.Version);
    }

    private Task<JoinResult> UpdateMemberAndRebalance(ClassicMember member, JoinParams request)
    {
        Update(member, request);
        return AwaitJoin(member, request.Version);
    }

    private static void Update(ClassicMember member, JoinParams request)
    {
        member.ClientId = request.ClientId;
        member.ClientHost = request.ClientHost;
        member.SessionTimeout = request.SessionTimeout;
        member.RebalanceTimeout = request.RebalanceTimeout;
        member.ProtocolType = request.ProtocolType;
        member.Protocols = request.Protocols;
    }

    private Task<JoinResult> AwaitJoin(ClassicMember member, short version)
    {
        // A join replaces one still waiting (the client gave up on it and retried).
        if (member.PendingJoin is { } previous)
            previous.Response.TrySetResult(JoinResult.Failed(GroupStatus.UnknownMemberId, member.MemberId));
        var response = new TaskCompletionSource<JoinResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.PendingJoin = (response, version);
        StopSession(member);
        if (_state != GroupState.PreparingRebalance) PrepareRebalance();
        else MaybeCompleteJoin();
        return response.Task;
    }

    private Task<JoinResult> ReplaceStaticMember(ClassicMember old, JoinParams request)
    {
        // KIP-345: a static member that comes back (after a restart, within its session timeout) takes the place of
        // its earlier incarnation under a new member id, which fences the old one, and keeps its assignment.
        string newId = request.GroupInstanceId + "-" + Guid.NewGuid().ToString("D");
        bool wasLeader = LeaderId == old.MemberId;
        string oldMemberId = old.MemberId;
        FailPending(old, GroupStatus.FencedInstanceId);
        _members.Remove(old.MemberId);
        old.MemberId = newId;
        _members[newId] = old;
        _staticMembers[request.GroupInstanceId!] = newId;
        if (wasLeader) LeaderId = newId;

        // Kafka keeps the assignment unless the new protocols would change the group's choice of assignor.
        List<(string Name, byte[] Metadata)> previous = old.Protocols;
        Update(old, request);
        bool sameProtocols = SelectProtocol() == ProtocolName;
        if (!sameProtocols) old.Protocols = previous;
        switch (_state)
        {
            case GroupState.Stable when sameProtocols:
            {
                RefreshSession(old);
                // The stored metadata names the new member id, so the old incarnation stays fenced after a restart.
                Forget(StoreAsync());
                JoinGroupResponse response = JoinResponse(old, request.Version);
                if (wasLeader && request.Version >= 9)
                {
                    // KIP-814: the leader learns the members but keeps the current assignment.
                    response.SkipAssignment = true;
                }
                else if (wasLeader)
                {
                    // Before v9, Kafka names the old leader id, so the rejoined leader does not see itself as leader
                    // and assign again (a Stable group would not hand that assignment out); it syncs and gets its
                    // own assignment back.
                    response.Leader = oldMemberId;
                    response.Members.Clear();
                }
                return Completed(JoinResult.Joined(response));
            }
            case GroupState.CompletingRebalance when sameProtocols:
                RefreshSession(old);
                return Completed(JoinResult.Joined(JoinResponse(old, request.Version)));
            default:
                return UpdateMemberAndRebalance(old, request);
        }
    }

    // ---- rebalance --------------------------------------------------------------------------------------------

    private void PrepareRebalance()
    {
        if (_state == GroupState.CompletingRebalance)
        {
            foreach (ClassicMember member in _members.Values)
            {
                member.Assignment = [];
                if (member.PendingSync is { } sync)
                {
                    member.PendingSync = null;
                    sync.TrySetResult(SyncFailed(GroupStatus.RebalanceInProgress));
                }
            }
        }
        bool initial = _state == GroupState.Empty && Options.InitialRebalanceDelay > TimeSpan.Zero;
        SetState(GroupState.PreparingRebalance);
        TimeSpan rebalanceTimeout = MaxRebalanceTimeout();
        if (initial)
        {
            // Kafka's initial delayed join: wait for more members, extended while they keep coming, up to the
            // rebalance timeout.
            TimeSpan delay = Min(Options.InitialRebalanceDelay, rebalanceTimeout);
            _inInitialDelay = true;
            _joinedDuringDelay = false;
            _initialDelayRemaining = rebalanceTimeout - delay;
            ArmJoinTimer(delay);
            return;
        }
        _inInitialDelay = false;
        ArmJoinTimer(rebalanceTimeout);
        MaybeCompleteJoin();
    }

    private TimeSpan MaxRebalanceTimeout()
    {
        TimeSpan max = TimeSpan.Zero;
        foreach (ClassicMember member in _members.Values)
        {
            if (member.RebalanceTimeout > max) max = member.RebalanceTimeout;
        }
        return max;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void ArmJoinTimer(TimeSpan due)
    {
        _joinDeadline = Now + due;
        if (_joinTimer is null)
            _joinTimer = Time.CreateTimer(static state => ((ClassicGroup)state!).OnJoinTimer(), this, due,
                Timeout.InfiniteTimeSpan);
        else
            _joinTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void OnJoinTimer()
    {
        lock (Lock)
        {
            if (_state != GroupState.PreparingRebalance || _joinTimer is null) return;
            TimeSpan left = _joinDeadline - Now;
            if (left > TimeSpan.Zero)
            {
                _joinTimer.Change(left, Timeout.InfiniteTimeSpan);
                return;
            }
            if (_inInitialDelay && _joinedDuringDelay && _initialDelayRemaining > TimeSpan.Zero)
            {
                TimeSpan extend = Min(Options.InitialRebalanceDelay, _initialDelayRemaining);
                _initialDelayRemaining -= extend;
                _joinedDuringDelay = false;
                ArmJoinTimer(extend);
                return;
            }
            _inInitialDelay = false;
            CompleteJoin();
        }
    }

    private void MaybeCompleteJoin()
    {
        if (_state != GroupState.PreparingRebalance || _inInitialDelay || _pendingMembers.Count > 0) return;
        foreach (ClassicMember member in _members.Values)
        {
            if (!member.IsAwaitingJoin) return;
        }
        CompleteJoin();
    }

    private void CompleteJoin()
    {
        _joinTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _inInitialDelay = false;
        List<ClassicMember>? gone = null;
        foreach (ClassicMember member in _members.Values)
        {
            if (!member.IsAwaitingJoin) (gone ??= []).Add(member);
        }
        if (gone is not null)
        {
            foreach (ClassicMember member in gone)
            {
                Shard.Logger.MemberRemovedAtRebalance(GroupId, member.MemberId);
                RemoveMember(member, GroupStatus.UnknownMemberId);
            }
        }
        GenerationId++;
        if (_members.Count == 0)
        {
            ProtocolName = null;
            LeaderId = null;
            SetState(GroupState.Empty);
            Forget(StoreAsync());
            Shard.OnGroupEmpty(this);
            return;
        }
        if (LeaderId is null || !_members.ContainsKey(LeaderId)) LeaderId = FirstMemberId();
        ProtocolName = SelectProtocol();
        SetState(GroupState.CompletingRebalance);
        Shard.Logger.RebalanceCompleted(GroupId, GenerationId, _members.Count, ProtocolName ?? "");
        foreach (ClassicMember member in _members.Values)
        {
            member.Assignment = [];
            (TaskCompletionSource<JoinResult> response, short version) = member.PendingJoin!.Value;
            member.PendingJoin = null;
            response.TrySetResult(JoinResult.Joined(JoinResponse(member, version)));
            RefreshSession(member);
        }
    }

    /// <summary>Kafka's choice: of the protocols every member supports, the one most members prefer.</summary>
    private string? SelectProtocol()
    {
        var candidates = new List<string>();
        ClassicMember? first = null;
        foreach (ClassicMember member in _members.Values)
        {
            first = member;
            break;
        }
        if (first is null) return null;
        foreach ((string name, _) in first.Protocols)
        {
            bool all = true;
            foreach (ClassicMember member in _members.Values)
            {
                if (member.MetadataFor(name) is null)
                {
                    all = false;
                    break;
                }
            }
            if (all) candidates.Add(name);
        }
        if (candidates.Count == 0) return first.Protocols.Count > 0 ? first.Protocols[0].Name : null;
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (ClassicMember member in _members.Values)
        {
            foreach ((string name, _) in member.Protocols)
            {
                if (!candidates.Contains(name)) continue;
                votes[name] = votes.GetValueOrDefault(name) + 1;
                break;
            }
        }
        string best = candidates[0];
        foreach (string candidate in candidates)
        {
            if (votes.GetValueOrDefault(candidate) > votes.GetValueOrDefault(best)) best = candidate;
        }
        return best;
    }

    // ---- responses --------------------------------------------------------------------------------------------

    private JoinGroupResponse JoinResponse(ClassicMember member, short version)
    {
        var response = new JoinGroupResponse
        {
            GenerationId = GenerationId,
            ProtocolName = ProtocolName ?? (version >= 7 ? null : ""),
            Leader = LeaderId ?? "",
            MemberId = member.MemberId,
        };
        if (version >= 7) response.ProtocolType = _protocolType;
        if (member.MemberId == LeaderId)
        {
            foreach (ClassicMember other in _members.Values)
            {
                response.Members.Add(new JoinGroupResponse.JoinGroupResponseMember
                {
                    MemberId = other.MemberId,
                    GroupInstanceId = version >= 5 ? other.GroupInstanceId : null,
                    Metadata = other.MetadataFor(ProtocolName) ?? [],
                });
            }
        }
        return response;
    }

    private static Task<T> Completed<T>(T value) => Task.FromResult(value);
}
