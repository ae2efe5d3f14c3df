using Samsa.Protocol.CoordinatorRecords;

namespace Samsa.Broker.Groups;

/// <summary>
/// A group on the classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup; assignment by the leader member)
/// and its state machine, as Kafka runs it: Empty → PreparingRebalance (members join; the rebalance completes when
/// every known member has rejoined or the rebalance timeout passes) → CompletingRebalance (the leader sends the
/// assignment) → Stable, and back to PreparingRebalance when a member joins, leaves, changes its subscription or
/// misses its session timeout.
/// </summary>
/// <remarks>
/// Everything runs under <see cref="Group.Lock"/>: requests, and timers, which check on firing that they still
/// apply. Responses that must wait (JoinGroup until the rebalance completes, SyncGroup until the leader's
/// assignment is stored) are task completion sources, completed under the lock with continuations run
/// asynchronously, so no thread blocks. The group's metadata is written to <c>__consumer_offsets</c> when an
/// assignment is stored and when the group becomes empty; a restarted coordinator loads it as a Stable (or Empty)
/// group whose members must heartbeat within their session timeout.
/// </remarks>
internal sealed partial class ClassicGroup : Group
{
    private readonly Dictionary<string, ClassicMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _staticMembers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITimer> _pendingMembers = new(StringComparer.Ordinal);
    private GroupState _state = GroupState.Empty;
    private string _protocolType = "";
    private ITimer? _joinTimer;
    private DateTimeOffset _joinDeadline;
    private bool _inInitialDelay;
    private TimeSpan _initialDelayRemaining;
    private bool _joinedDuringDelay;

    public ClassicGroup(string groupId, CoordinatorShard shard) : base(groupId, shard)
    {
        EmptySinceMs = shard.NowMs;
    }

    public override string TypeName => "classic";

    public override string ProtocolType => _protocolType;

    public override GroupState State => _state;

    public int GenerationId { get; private set; }

    /// <summary>The assignor chosen for the current generation; null while there is none.</summary>
    public string? ProtocolName { get; private set; }

    public string? LeaderId { get; private set; }

    public IReadOnlyCollection<ClassicMember> Members => _members.Values;

    public int MemberCount => _members.Count;

    private TimeProvider Time => Shard.Time;

    private GroupCoordinatorOptions Options => Shard.Options;

    private DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Rebuilds the group from its stored metadata (loading a partition of
    /// <c>__consumer_offsets</c>).</summary>
    public void Load(GroupMetadataValue value)
    {
        _protocolType = value.protocolType;
        GenerationId = value.generation;
        ProtocolName = value.protocol;
        LeaderId = value.leader;
        foreach (GroupMetadataValue.MemberMetadata stored in value.members)
        {
            var member = new ClassicMember(this, stored.memberId, stored.groupInstanceId, stored.clientId,
                stored.clientHost)
            {
                SessionTimeout = TimeSpan.FromMilliseconds(stored.sessionTimeout),
                RebalanceTimeout = TimeSpan.FromMilliseconds(stored.rebalanceTimeout < 0
                    ? stored.sessionTimeout : stored.rebalanceTimeout),
                ProtocolType = value.protocolType,
                Protocols = [(value.protocol ?? "", stored.subscription)],
                Assignment = stored.assignment,
            };
            _members[member.MemberId] = member;
            if (member.GroupInstanceId is { } instance) _staticMembers[instance] = member.MemberId;
        }
        if (_members.Count == 0)
        {
            SetState(GroupState.Empty);
            if (value.currentStateTimestamp >= 0) EmptySinceMs = value.currentStateTimestamp;
            return;
        }
        SetState(GroupState.Stable);
        foreach (ClassicMember member in _members.Values) RefreshSession(member);
    }

    public override void Shutdown(GroupStatus status)
    {
        _joinTimer?.Dispose();
        _joinTimer = null;
        foreach (ITimer timer in _pendingMembers.Values) timer.Dispose();
        _pendingMembers.Clear();
        foreach (ClassicMember member in _members.Values)
        {
            StopSession(member);
            FailPending(member, status);
        }
        _members.Clear();
        _staticMembers.Clear();
        _state = GroupState.Dead;
    }

    /// <summary>Marks the group deleted; only an empty group is deleted.</summary>
    public void MarkDead() => Shutdown(GroupStatus.CoordinatorNotAvailable);

    public bool HasMember(string memberId) => _members.ContainsKey(memberId);

    private void SetState(GroupState state)
    {
        _state = state;
        if (state == GroupState.Empty)
        {
            EmptySinceMs = Shard.NowMs;
        }
        else if (state != GroupState.Dead)
        {
            EmptySinceMs = -1;
            StopExpiry();
        }
    }

    // ---- sessions -------------------------------------------------------------------------------------------

    private void RefreshSession(ClassicMember member) =>
        member.Session.Start(Time, member.SessionTimeout, static state => OnSessionTimer((ClassicMember)state!),
            member);

    private static void StopSession(ClassicMember member) => member.Session.Stop();

    private static void OnSessionTimer(ClassicMember member)
    {
        ClassicGroup group = member.Group;
        lock (group.Lock)
        {
            if (group.IsDead || !member.Session.IsRunning || member.IsAwaitingJoin) return;
            if (!group._members.TryGetValue(member.MemberId, out ClassicMember? current) || current != member) return;
            if (!member.Session.IsDue(group.Time)) return;
            group.Shard.Logger.MemberSessionExpired(group.GroupId, member.MemberId);
            group.RemoveMemberAndRebalance(member);
        }
    }

    // ---- membership changes -----------------------------------------------------------------------------------

    private void RemoveMemberAndRebalance(ClassicMember member)
    {
        RemoveMember(member, GroupStatus.UnknownMemberId);
        switch (_state)
        {
            case GroupState.Stable or GroupState.CompletingRebalance:
                PrepareRebalance();
                break;
            case GroupState.PreparingRebalance:
                MaybeCompleteJoin();
                break;
        }
    }

    private void RemoveMember(ClassicMember member, GroupStatus pendingStatus)
    {
        StopSession(member);
        FailPending(member, pendingStatus);
        _members.Remove(member.MemberId);
        if (member.GroupInstanceId is { } instance
            && _staticMembers.TryGetValue(instance, out string? id) && id == member.MemberId)
        {
            _staticMembers.Remove(instance);
        }
        if (LeaderId == member.MemberId) LeaderId = FirstMemberId();
    }

    private string? FirstMemberId()
    {
        foreach (ClassicMember member in _members.Values)
        {
            if (member.IsAwaitingJoin) return member.MemberId;
        }
        foreach (string id in _members.Keys) return id;
        return null;
    }

    private static void FailPending(ClassicMember member, GroupStatus status)
    {
        if (member.PendingJoin is { } join)
        {
            member.PendingJoin = null;
            join.Response.TrySetResult(JoinResult.Failed(status, member.MemberId));
        }
        if (member.PendingSync is { } sync)
        {
            member.PendingSync = null;
            sync.TrySetResult(GroupResult<SyncGroupResponse>.Failed(status));
        }
    }

    // ---- persistence ------------------------------------------------------------------------------------------

    /// <summary>The group as <c>GroupMetadataValue</c> stores it.</summary>
    public GroupMetadataValue ToRecord()
    {
        var value = new GroupMetadataValue
        {
            protocolType = _protocolType,
            generation = GenerationId,
            protocol = ProtocolName,
            leader = LeaderId,
            currentStateTimestamp = Shard.NowMs,
        };
        foreach (ClassicMember member in _members.Values)
        {
            value.members.Add(new GroupMetadataValue.MemberMetadata
            {
                memberId = member.MemberId,
                groupInstanceId = member.GroupInstanceId,
                clientId = member.ClientId,
                clientHost = member.ClientHost,
                rebalanceTimeout = (int)member.RebalanceTimeout.TotalMilliseconds,
                sessionTimeout = (int)member.SessionTimeout.TotalMilliseconds,
                subscription = member.MetadataFor(ProtocolName) ?? [],
                assignment = member.Assignment,
            });
        }
        return value;
    }

    public override void AddDeletionTombstones(List<(byte[] Key, byte[]? Value)> records) =>
        records.Add((CoordinatorRecordSerde.GroupMetadataKey(GroupId), null));

    private ValueTask<GroupStatus> StoreAsync() =>
        Shard.AppendAsync([(CoordinatorRecordSerde.GroupMetadataKey(GroupId),
            CoordinatorRecordSerde.GroupMetadataValue(ToRecord()))]);
}
