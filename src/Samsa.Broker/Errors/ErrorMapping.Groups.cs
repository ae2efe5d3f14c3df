namespace Samsa.Broker.Errors;

// The group coordinator's outcomes on the wire.
internal static partial class ErrorMapping
{
    public static ErrorCode ToErrorCode(GroupStatus status) => status switch
    {
        GroupStatus.Ok => ErrorCode.None,
        GroupStatus.NotCoordinator => ErrorCode.NotCoordinator,
        GroupStatus.CoordinatorLoadInProgress => ErrorCode.CoordinatorLoadInProgress,
        GroupStatus.CoordinatorNotAvailable => ErrorCode.CoordinatorNotAvailable,
        GroupStatus.InvalidGroupId => ErrorCode.InvalidGroupId,
        GroupStatus.UnknownMemberId => ErrorCode.UnknownMemberId,
        GroupStatus.IllegalGeneration => ErrorCode.IllegalGeneration,
        GroupStatus.RebalanceInProgress => ErrorCode.RebalanceInProgress,
        GroupStatus.FencedInstanceId => ErrorCode.FencedInstanceId,
        GroupStatus.InconsistentGroupProtocol => ErrorCode.InconsistentGroupProtocol,
        GroupStatus.GroupMaxSizeReached => ErrorCode.GroupMaxSizeReached,
        GroupStatus.MemberIdRequired => ErrorCode.MemberIdRequired,
        GroupStatus.UnsupportedAssignor => ErrorCode.UnsupportedAssignor,
        GroupStatus.FencedMemberEpoch => ErrorCode.FencedMemberEpoch,
        GroupStatus.StaleMemberEpoch => ErrorCode.StaleMemberEpoch,
        GroupStatus.UnreleasedInstanceId => ErrorCode.UnreleasedInstanceId,
        GroupStatus.InvalidRequest => ErrorCode.InvalidRequest,
        GroupStatus.GroupIdNotFound => ErrorCode.GroupIdNotFound,
        GroupStatus.NonEmptyGroup => ErrorCode.NonEmptyGroup,
        GroupStatus.GroupSubscribedToTopic => ErrorCode.GroupSubscribedToTopic,
        GroupStatus.OffsetMetadataTooLarge => ErrorCode.OffsetMetadataTooLarge,
        GroupStatus.RecordListTooLarge => ErrorCode.RecordListTooLarge,
        GroupStatus.UnknownServerError => ErrorCode.UnknownServerError,
        _ => ErrorCode.UnknownServerError,
    };

    /// <summary>OffsetCommit: offsets too large for one batch are INVALID_COMMIT_OFFSET_SIZE, as in Kafka.</summary>
    public static ErrorCode ToOffsetCommitErrorCode(GroupStatus status) =>
        status == GroupStatus.RecordListTooLarge ? ErrorCode.InvalidCommitOffsetSize : ToErrorCode(status);

    /// <summary>SyncGroup: a group record too large to write is UNKNOWN_SERVER_ERROR, as in Kafka.</summary>
    public static ErrorCode ToSyncGroupErrorCode(GroupStatus status) =>
        status == GroupStatus.RecordListTooLarge ? ErrorCode.UnknownServerError : ToErrorCode(status);
}
