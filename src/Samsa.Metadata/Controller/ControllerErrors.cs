using Samsa.Protocol;

namespace Samsa.Metadata.Controller;

/// <summary>
/// <see cref="ControllerStatus"/> and Kafka error codes, both ways: the controller listener answers with the code,
/// and a broker that forwarded a request turns the code it got back into the status the controller decided.
/// </summary>
public static class ControllerErrors
{
    /// <summary>The error code a status travels as.</summary>
    public static ErrorCode ToErrorCode(ControllerStatus status) => status switch
    {
        ControllerStatus.Ok => ErrorCode.None,
        ControllerStatus.NotController => ErrorCode.NotController,
        ControllerStatus.MetadataLogError => ErrorCode.UnknownServerError,
        ControllerStatus.InvalidRequest => ErrorCode.InvalidRequest,
        ControllerStatus.PolicyViolation => ErrorCode.PolicyViolation,
        ControllerStatus.InvalidTopic => ErrorCode.InvalidTopicException,
        ControllerStatus.TopicAlreadyExists => ErrorCode.TopicAlreadyExists,
        ControllerStatus.InvalidPartitions => ErrorCode.InvalidPartitions,
        ControllerStatus.InvalidReplicationFactor => ErrorCode.InvalidReplicationFactor,
        ControllerStatus.InvalidReplicaAssignment => ErrorCode.InvalidReplicaAssignment,
        ControllerStatus.InvalidConfig => ErrorCode.InvalidConfig,
        ControllerStatus.UnknownTopicOrPartition => ErrorCode.UnknownTopicOrPartition,
        ControllerStatus.UnknownTopicId => ErrorCode.UnknownTopicId,
        ControllerStatus.TopicDeletionDisabled => ErrorCode.TopicDeletionDisabled,
        ControllerStatus.InconsistentClusterId => ErrorCode.InconsistentClusterId,
        ControllerStatus.DuplicateBrokerRegistration => ErrorCode.DuplicateBrokerRegistration,
        ControllerStatus.BrokerIdNotRegistered => ErrorCode.BrokerIdNotRegistered,
        ControllerStatus.StaleBrokerEpoch => ErrorCode.StaleBrokerEpoch,
        ControllerStatus.NotLeaderOrFollower => ErrorCode.NotLeaderOrFollower,
        ControllerStatus.FencedLeaderEpoch => ErrorCode.FencedLeaderEpoch,
        ControllerStatus.InvalidUpdateVersion => ErrorCode.InvalidUpdateVersion,
        ControllerStatus.IneligibleReplica => ErrorCode.IneligibleReplica,
        ControllerStatus.ProducerIdsExhausted => ErrorCode.UnknownServerError,
        ControllerStatus.ControllerUnavailable => ErrorCode.RequestTimedOut,
        ControllerStatus.ElectionNotNeeded => ErrorCode.ElectionNotNeeded,
        ControllerStatus.PreferredLeaderNotAvailable => ErrorCode.PreferredLeaderNotAvailable,
        ControllerStatus.EligibleLeadersNotAvailable => ErrorCode.EligibleLeadersNotAvailable,
        _ => ErrorCode.UnknownServerError,
    };

    /// <summary>The status an error code from the controller stands for; codes with no status of their own (a
    /// server error) become <see cref="ControllerStatus.MetadataLogError"/>, which maps back to the same code.
    /// </summary>
    public static ControllerStatus FromErrorCode(short code) => (ErrorCode)code switch
    {
        ErrorCode.None => ControllerStatus.Ok,
        ErrorCode.NotController => ControllerStatus.NotController,
        ErrorCode.InvalidRequest => ControllerStatus.InvalidRequest,
        ErrorCode.PolicyViolation => ControllerStatus.PolicyViolation,
        ErrorCode.InvalidTopicException => ControllerStatus.InvalidTopic,
        ErrorCode.TopicAlreadyExists => ControllerStatus.TopicAlreadyExists,
        ErrorCode.InvalidPartitions => ControllerStatus.InvalidPartitions,
        ErrorCode.InvalidReplicationFactor => ControllerStatus.InvalidReplicationFactor,
        ErrorCode.InvalidReplicaAssignment => ControllerStatus.InvalidReplicaAssignment,
        ErrorCode.InvalidConfig => ControllerStatus.InvalidConfig,
        ErrorCode.UnknownTopicOrPartition => ControllerStatus.UnknownTopicOrPartition,
        ErrorCode.UnknownTopicId => ControllerStatus.UnknownTopicId,
        ErrorCode.TopicDeletionDisabled => ControllerStatus.TopicDeletionDisabled,
        ErrorCode.InconsistentClusterId => ControllerStatus.InconsistentClusterId,
        ErrorCode.DuplicateBrokerRegistration => ControllerStatus.DuplicateBrokerRegistration,
        ErrorCode.BrokerIdNotRegistered => ControllerStatus.BrokerIdNotRegistered,
        ErrorCode.StaleBrokerEpoch => ControllerStatus.StaleBrokerEpoch,
        ErrorCode.NotLeaderOrFollower => ControllerStatus.NotLeaderOrFollower,
        ErrorCode.FencedLeaderEpoch => ControllerStatus.FencedLeaderEpoch,
        ErrorCode.InvalidUpdateVersion => ControllerStatus.InvalidUpdateVersion,
        ErrorCode.IneligibleReplica => ControllerStatus.IneligibleReplica,
        ErrorCode.RequestTimedOut => ControllerStatus.ControllerUnavailable,
        ErrorCode.ElectionNotNeeded => ControllerStatus.ElectionNotNeeded,
        ErrorCode.PreferredLeaderNotAvailable => ControllerStatus.PreferredLeaderNotAvailable,
        ErrorCode.EligibleLeadersNotAvailable => ControllerStatus.EligibleLeadersNotAvailable,
        _ => ControllerStatus.MetadataLogError,
    };
}
