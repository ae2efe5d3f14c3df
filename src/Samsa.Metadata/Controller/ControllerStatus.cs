using Samsa.Protocol;

namespace Samsa.Metadata.Controller;

/// <summary>
/// The outcome of a controller operation. Each maps to one Kafka error code, named in its summary; the broker does the
/// mapping at the protocol edge, and passes the result's message on as the error message.
/// </summary>
public enum ControllerStatus
{
    /// <summary>Done (or, in validate-only mode, would be done). <see cref="ErrorCode.None"/>.</summary>
    Ok = 0,

    /// <summary>This node does not lead the metadata log. <see cref="ErrorCode.NotController"/>.</summary>
    NotController,

    /// <summary>The metadata log is offline, or a batch would not fit in it.
    /// <see cref="ErrorCode.UnknownServerError"/>.</summary>
    MetadataLogError,

    /// <summary>Malformed: duplicates, contradictory fields. <see cref="ErrorCode.InvalidRequest"/>.</summary>
    InvalidRequest,

    /// <summary>The request is too large to carry out at once. <see cref="ErrorCode.PolicyViolation"/>.</summary>
    PolicyViolation,

    /// <summary>An illegal topic name, or one that collides with another.
    /// <see cref="ErrorCode.InvalidTopicException"/>.</summary>
    InvalidTopic,

    /// <summary><see cref="ErrorCode.TopicAlreadyExists"/>.</summary>
    TopicAlreadyExists,

    /// <summary><see cref="ErrorCode.InvalidPartitions"/>.</summary>
    InvalidPartitions,

    /// <summary><see cref="ErrorCode.InvalidReplicationFactor"/>.</summary>
    InvalidReplicationFactor,

    /// <summary><see cref="ErrorCode.InvalidReplicaAssignment"/>.</summary>
    InvalidReplicaAssignment,

    /// <summary>An unknown config name or a bad value. <see cref="ErrorCode.InvalidConfig"/>.</summary>
    InvalidConfig,

    /// <summary><see cref="ErrorCode.UnknownTopicOrPartition"/>.</summary>
    UnknownTopicOrPartition,

    /// <summary><see cref="ErrorCode.UnknownTopicId"/>.</summary>
    UnknownTopicId,

    /// <summary><c>delete.topic.enable</c> is false. <see cref="ErrorCode.TopicDeletionDisabled"/>.</summary>
    TopicDeletionDisabled,

    /// <summary>The broker or log belongs to another cluster. <see cref="ErrorCode.InconsistentClusterId"/>.</summary>
    InconsistentClusterId,

    /// <summary>Another incarnation of the broker id is alive.
    /// <see cref="ErrorCode.DuplicateBrokerRegistration"/>.</summary>
    DuplicateBrokerRegistration,

    /// <summary><see cref="ErrorCode.BrokerIdNotRegistered"/>.</summary>
    BrokerIdNotRegistered,

    /// <summary>The broker epoch is not the registration's. <see cref="ErrorCode.StaleBrokerEpoch"/>.</summary>
    StaleBrokerEpoch,

    /// <summary>The sender does not lead the partition. <see cref="ErrorCode.NotLeaderOrFollower"/>.</summary>
    NotLeaderOrFollower,

    /// <summary>The sender's leader epoch is not the partition's. <see cref="ErrorCode.FencedLeaderEpoch"/>.</summary>
    FencedLeaderEpoch,

    /// <summary>The partition epoch is stale: the partition changed since.
    /// <see cref="ErrorCode.InvalidUpdateVersion"/>.</summary>
    InvalidUpdateVersion,

    /// <summary>A proposed ISR member is fenced. <see cref="ErrorCode.IneligibleReplica"/>.</summary>
    IneligibleReplica,

    /// <summary>No producer ids are left. <see cref="ErrorCode.UnknownServerError"/>, as Kafka answers.</summary>
    ProducerIdsExhausted,

    /// <summary>The controller could not be reached (a broker forwarding to it).
    /// <see cref="ErrorCode.RequestTimedOut"/>, which clients retry.</summary>
    ControllerUnavailable,

    /// <summary>The partition already has the leader the election would choose.
    /// <see cref="ErrorCode.ElectionNotNeeded"/>.</summary>
    ElectionNotNeeded,

    /// <summary>The preferred replica is out of the ISR or fenced. <see cref="ErrorCode.PreferredLeaderNotAvailable"/>.
    /// </summary>
    PreferredLeaderNotAvailable,

    /// <summary>No replica may lead: none is unfenced. <see cref="ErrorCode.EligibleLeadersNotAvailable"/>.</summary>
    EligibleLeadersNotAvailable,
}
