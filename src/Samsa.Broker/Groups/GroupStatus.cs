namespace Samsa.Broker.Groups;

/// <summary>
/// What the group coordinator answers, in Kafka's words; <c>Errors/ErrorMapping.Groups.cs</c> turns it into the
/// error code on the wire.
/// </summary>
internal enum GroupStatus
{
    /// <summary>Done.</summary>
    Ok = 0,

    /// <summary>This broker does not lead the group's partition of <c>__consumer_offsets</c> (or no longer).</summary>
    NotCoordinator,

    /// <summary>The group's partition is still loading.</summary>
    CoordinatorLoadInProgress,

    /// <summary>The group went away meanwhile (deleted, expired, converted), or no coordinator can be named.</summary>
    CoordinatorNotAvailable,

    /// <summary>An empty group id.</summary>
    InvalidGroupId,

    /// <summary>The member id is not one of the group's members (or there is no such group).</summary>
    UnknownMemberId,

    /// <summary>A classic member's generation is not the group's.</summary>
    IllegalGeneration,

    /// <summary>The group is rebalancing: the member must join again (or its sync or commit waits for that).</summary>
    RebalanceInProgress,

    /// <summary>Another member now holds the static member's group instance id.</summary>
    FencedInstanceId,

    /// <summary>The member's protocol type or assignors do not fit the group's.</summary>
    InconsistentGroupProtocol,

    /// <summary>The group has as many members as <c>group.max.size</c> (<c>group.consumer.max.size</c>)
    /// allows.</summary>
    GroupMaxSizeReached,

    /// <summary>A new dynamic member got its id and must join with it (JoinGroup v4+, KIP-394).</summary>
    MemberIdRequired,

    /// <summary>A consumer group member asks for a server assignor there is none of.</summary>
    UnsupportedAssignor,

    /// <summary>A consumer group member's epoch is not its current one.</summary>
    FencedMemberEpoch,

    /// <summary>A commit from a consumer group member carries an epoch other than its current one.</summary>
    StaleMemberEpoch,

    /// <summary>A static consumer group member's earlier incarnation has not left yet.</summary>
    UnreleasedInstanceId,

    /// <summary>The request lacks what the operation needs (a consumer group member joins without a
    /// subscription).</summary>
    InvalidRequest,

    /// <summary>No such group.</summary>
    GroupIdNotFound,

    /// <summary>The group has members: it cannot be deleted (nor its offsets, for a group of another
    /// protocol).</summary>
    NonEmptyGroup,

    /// <summary>A member of the group is subscribed to the topic whose offsets are to be deleted.</summary>
    GroupSubscribedToTopic,

    /// <summary>A committed offset's metadata is longer than <c>offset.metadata.max.bytes</c>.</summary>
    OffsetMetadataTooLarge,

    /// <summary>The records of one change do not fit in one batch of <c>__consumer_offsets</c>.</summary>
    RecordListTooLarge,

    /// <summary>A write to <c>__consumer_offsets</c> failed for a reason the coordinator does not expect.</summary>
    UnknownServerError,
}
