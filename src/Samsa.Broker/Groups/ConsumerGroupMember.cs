namespace Samsa.Broker.Groups;

/// <summary>
/// Where a consumer group member is in reconciling its assignment with the group's target (KIP-848); the numbers are
/// Kafka's, as <c>ConsumerGroupCurrentMemberAssignmentValue.State</c> stores them.
/// </summary>
internal enum MemberReconciliation
{
    /// <summary>It owns its whole target assignment at the group's assignment epoch.</summary>
    Stable = 0,

    /// <summary>It must give up partitions (listed in <see cref="ConsumerGroupMember.Revoking"/>) before it moves
    /// on.</summary>
    UnrevokedPartitions = 1,

    /// <summary>It is at the new epoch but waits for partitions other members have not released yet.</summary>
    UnreleasedPartitions = 2,
}

/// <summary>A member of a consumer group (KIP-848). Guarded by its group's lock, timers included.</summary>
internal sealed class ConsumerGroupMember(ConsumerGroup group, string memberId)
{
    public ConsumerGroup Group { get; } = group;

    public string MemberId { get; set; } = memberId;

    public string? InstanceId { get; set; }

    public string? RackId { get; set; }

    public string ClientId { get; set; } = "";

    public string ClientHost { get; set; } = "";

    public int MemberEpoch { get; set; }

    public int PreviousMemberEpoch { get; set; } = -1;

    public TimeSpan RebalanceTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public List<string> SubscribedTopicNames { get; set; } = [];

    public string? SubscribedTopicRegex { get; set; }

    public string? ServerAssignor { get; set; }

    public MemberReconciliation State { get; set; } = MemberReconciliation.Stable;

    /// <summary>The partitions it has been given and may consume.</summary>
    public HashSet<TopicIdPartition> Assigned { get; set; } = [];

    /// <summary>The partitions it was told to give up and has not yet confirmed giving up.</summary>
    public HashSet<TopicIdPartition> Revoking { get; set; } = [];

    /// <summary>False when <see cref="Assigned"/> changed since the member was last told it.</summary>
    public bool AssignmentSent { get; set; }

    /// <summary>A static member that left with epoch -2: its assignment waits for it until its session
    /// lapses.</summary>
    public bool LeftTemporarily { get; set; }

    /// <summary>Expires the member when no heartbeat arrives within the session timeout.</summary>
    public DeadlineTimer Session { get; } = new();

    public DateTimeOffset SessionDeadline => Session.Deadline;

    /// <summary>Fences the member when it keeps revoked partitions past its rebalance timeout.</summary>
    public DeadlineTimer Revocation { get; } = new();
}
