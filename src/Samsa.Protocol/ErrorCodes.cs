using System.Diagnostics;

namespace Samsa.Protocol;

/// <summary>
/// Facts about each <see cref="ErrorCode"/>: Kafka's name, its default message, and whether a client retries it.
/// </summary>
/// <remarks>
/// Lookups index one static table and allocate nothing, so they are safe on hot paths. A value outside the table
/// (a code from a newer peer) answers as <see cref="ErrorCode.UnknownServerError"/> does. Thread-safe: the table is
/// immutable after type initialization.
/// </remarks>
public static class ErrorCodes
{
    /// <summary>The lowest code in the table: <see cref="ErrorCode.UnknownServerError"/>.</summary>
    public const short MinCode = -1;

    /// <summary>The highest code in the table: <see cref="ErrorCode.ShareSessionLimitReached"/>.</summary>
    public const short MaxCode = 133;

    // Indexed by code - MinCode. Each row names its code so that a misplaced row fails the Debug check below and
    // the tests. Retriable is true exactly where Kafka's exception for the code extends RetriableException.
    private static readonly Entry[] Table =
    [
        new(ErrorCode.UnknownServerError, "UNKNOWN_SERVER_ERROR", false,
            "The server experienced an unexpected error when processing the request."),
        new(ErrorCode.None, "NONE", false, "NONE"),
        new(ErrorCode.OffsetOutOfRange, "OFFSET_OUT_OF_RANGE", false,
            "The requested offset is not within the range of offsets maintained by the server."),
        new(ErrorCode.CorruptMessage, "CORRUPT_MESSAGE", true,
            "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted " +
            "topic, or is otherwise corrupt."),
        new(ErrorCode.UnknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PARTITION", true,
            "This server does not host this topic-partition."),
        new(ErrorCode.InvalidFetchSize, "INVALID_FETCH_SIZE", false, "The requested fetch size is invalid."),
        new(ErrorCode.LeaderNotAvailable, "LEADER_NOT_AVAILABLE", true,
            "There is no leader for this topic-partition as we are in the middle of a leadership election."),
        new(ErrorCode.NotLeaderOrFollower, "NOT_LEADER_OR_FOLLOWER", true,
            "For requests intended only for the leader, this error indicates that the broker is not the current " +
            "leader. For requests intended for any replica, this error indicates that the broker is not a replica " +
            "of the topic partition."),
        new(ErrorCode.RequestTimedOut, "REQUEST_TIMED_OUT", true, "The request timed out."),
        new(ErrorCode.BrokerNotAvailable, "BROKER_NOT_AVAILABLE", false, "The broker is not available."),
        new(ErrorCode.ReplicaNotAvailable, "REPLICA_NOT_AVAILABLE", true,
            "The replica is not available for the requested topic-partition. Produce/Fetch requests and other " +
            "requests intended only for the leader or follower return NOT_LEADER_OR_FOLLOWER if the broker is not " +
            "a replica of the topic-partition."),
        new(ErrorCode.MessageTooLarge, "MESSAGE_TOO_LARGE", false,
            "The request included a message larger than the max message size the server will accept."),
        new(ErrorCode.StaleControllerEpoch, "STALE_CONTROLLER_EPOCH", false, "The controller moved to another broker."),
        new(ErrorCode.OffsetMetadataTooLarge, "OFFSET_METADATA_TOO_LARGE", false,
            "The metadata field of the offset request was too large."),
        new(ErrorCode.NetworkException, "NETWORK_EXCEPTION", true,
            "The server disconnected before a response was received."),
        new(ErrorCode.CoordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS", true,
            "The coordinator is loading and hence can't process requests."),
        new(ErrorCode.CoordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE", true, "The coordinator is not available."),
        new(ErrorCode.NotCoordinator, "NOT_COORDINATOR", true, "This is not the correct coordinator."),
        new(ErrorCode.InvalidTopicException, "INVALID_TOPIC_EXCEPTION", false,
            "The request attempted to perform an operation on an invalid topic."),
        new(ErrorCode.RecordListTooLarge, "RECORD_LIST_TOO_LARGE", false,
            "The request included message batch larger than the configured segment size on the server."),
        new(ErrorCode.NotEnoughReplicas, "NOT_ENOUGH_REPLICAS", true,
            "Messages are rejected since there are fewer in-sync replicas than required."),
        new(ErrorCode.NotEnoughReplicasAfterAppend, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true,
            "Messages are written to the log, but to fewer in-sync replicas than required."),
        new(ErrorCode.InvalidRequiredAcks, "INVALID_REQUIRED_ACKS", false,
            "Produce request specified an invalid value for required acks."),
        new(ErrorCode.IllegalGeneration, "ILLEGAL_GENERATION", false, "Specified group generation id is not valid."),
        new(ErrorCode.InconsistentGroupProtocol, "INCONSISTENT_GROUP_PROTOCOL", false,
            "The group member's supported protocols are incompatible with those of existing members or first group " +
            "member tried to join with empty protocol type or empty protocol list."),
        new(ErrorCode.InvalidGroupId, "INVALID_GROUP_ID", false, "The group id is invalid."),
        new(ErrorCode.UnknownMemberId, "UNKNOWN_MEMBER_ID", false, "The coordinator is not aware of this member."),
        new(ErrorCode.InvalidSessionTimeout, "INVALID_SESSION_TIMEOUT", false,
            "The session timeout is not within the range allowed by the broker (as configured by " +
            "group.min.session.timeout.ms and group.max.session.timeout.ms)."),
        new(ErrorCode.RebalanceInProgress, "REBALANCE_IN_PROGRESS", false,
            "The group is rebalancing, so a rejoin is needed."),
        new(ErrorCode.InvalidCommitOffsetSize, "INVALID_COMMIT_OFFSET_SIZE", false,
            "The committing offset data size is not valid."),
        new(ErrorCode.TopicAuthorizationFailed, "TOPIC_AUTHORIZATION_FAILED", false, "Topic authorization failed."),
        new(ErrorCode.GroupAuthorizationFailed, "GROUP_AUTHORIZATION_FAILED", false, "Group authorization failed."),
        new(ErrorCode.ClusterAuthorizationFailed, "CLUSTER_AUTHORIZATION_FAILED", false,
            "Cluster authorization failed."),
        new(ErrorCode.InvalidTimestamp, "INVALID_TIMESTAMP", false,
            "The timestamp of the message is out of acceptable range."),
        new(ErrorCode.UnsupportedSaslMechanism, "UNSUPPORTED_SASL_MECHANISM", false,
            "The broker does not support the requested SASL mechanism."),
        new(ErrorCode.IllegalSaslState, "ILLEGAL_SASL_STATE", false,
            "Request is not valid given the current SASL state."),
        new(ErrorCode.UnsupportedVersion, "UNSUPPORTED_VERSION", false, "The version of API is not supported."),
        new(ErrorCode.TopicAlreadyExists, "TOPIC_ALREADY_EXISTS", false, "Topic with this name already exists."),
        new(ErrorCode.InvalidPartitions, "INVALID_PARTITIONS", false, "Number of partitions is below 1."),
        new(ErrorCode.InvalidReplicationFactor, "INVALID_REPLICATION_FACTOR", false,
            "Replication factor is below 1 or larger than the number of available brokers."),
        new(ErrorCode.InvalidReplicaAssignment, "INVALID_REPLICA_ASSIGNMENT", false, "Replica assignment is invalid."),
        new(ErrorCode.InvalidConfig, "INVALID_CONFIG", false, "Configuration is invalid."),
        new(ErrorCode.NotController, "NOT_CONTROLLER", true, "This is not the correct controller for this cluster."),
        new(ErrorCode.InvalidRequest, "INVALID_REQUEST", false,
            "This most likely occurs because of a request being malformed by the client library or the message was " +
            "sent to an incompatible broker. See the broker logs for more details."),
        new(ErrorCode.UnsupportedForMessageFormat, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false,
            "The message format version on the broker does not support the request."),
        new(ErrorCode.PolicyViolation, "POLICY_VIOLATION", false,
            "Request parameters do not satisfy the configured policy."),
        new(ErrorCode.OutOfOrderSequenceNumber, "OUT_OF_ORDER_SEQUENCE_NUMBER", false,
            "The broker received an out of order sequence number."),
        new(ErrorCode.DuplicateSequenceNumber, "DUPLICATE_SEQUENCE_NUMBER", false,
            "The broker received a duplicate sequence number."),
        new(ErrorCode.InvalidProducerEpoch, "INVALID_PRODUCER_EPOCH", false,
            "Producer attempted to produce with an old epoch."),
        new(ErrorCode.InvalidTxnState, "INVALID_TXN_STATE", false,
            "The producer attempted a transactional operation in an invalid state."),
        new(ErrorCode.InvalidProducerIdMapping, "INVALID_PRODUCER_ID_MAPPING", false,
            "The producer attempted to use a producer id which is not currently assigned to its transactional id."),
        new(ErrorCode.InvalidTransactionTimeout, "INVALID_TRANSACTION_TIMEOUT", false,
            "The transaction timeout is larger than the maximum value allowed by the broker (as configured by " +
            "transaction.max.timeout.ms)."),
        new(ErrorCode.ConcurrentTransactions, "CONCURRENT_TRANSACTIONS", true,
            "The producer attempted to update a transaction while another concurrent operation on the same " +
            "transaction was ongoing."),
        new(ErrorCode.TransactionCoordinatorFenced, "TRANSACTION_COORDINATOR_FENCED", false,
            "Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current " +
            "coordinator for a given producer."),
        new(ErrorCode.TransactionalIdAuthorizationFailed, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false,
            "Transactional Id authorization failed."),
        new(ErrorCode.SecurityDisabled, "SECURITY_DISABLED", false, "Security features are disabled."),
        new(ErrorCode.OperationNotAttempted, "OPERATION_NOT_ATTEMPTED", false,
            "The broker did not attempt to execute this operation. This may happen for batched RPCs where some " +
            "operations in the batch failed, causing the broker to respond without trying the rest."),
        new(ErrorCode.KafkaStorageError, "KAFKA_STORAGE_ERROR", true,
            "Disk error when trying to access log file on the disk."),
        new(ErrorCode.LogDirNotFound, "LOG_DIR_NOT_FOUND", false,
            "The user-specified log directory is not found in the broker config."),
        new(ErrorCode.SaslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED", false, "SASL Authentication failed."),
        new(ErrorCode.UnknownProducerId, "UNKNOWN_PRODUCER_ID", false,
            "This exception is raised by the broker if it could not locate the producer metadata associated with " +
            "the producerId in question. This could happen if, for instance, the producer's records were deleted " +
            "because their retention time had elapsed. Once the last records of the producerId are removed, the " +
            "producer's metadata is removed from the broker, and future appends by the producer will return this " +
            "exception."),
        new(ErrorCode.ReassignmentInProgress, "REASSIGNMENT_IN_PROGRESS", false,
            "A partition reassignment is in progress."),
        new(ErrorCode.DelegationTokenAuthDisabled, "DELEGATION_TOKEN_AUTH_DISABLED", false,
            "Delegation Token feature is not enabled."),
        new(ErrorCode.DelegationTokenNotFound, "DELEGATION_TOKEN_NOT_FOUND", false,
            "Delegation Token is not found on server."),
        new(ErrorCode.DelegationTokenOwnerMismatch, "DELEGATION_TOKEN_OWNER_MISMATCH", false,
            "Specified Principal is not valid Owner/Renewer."),
        new(ErrorCode.DelegationTokenRequestNotAllowed, "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", false,
            "Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token " +
            "authenticated channels."),
        new(ErrorCode.DelegationTokenAuthorizationFailed, "DELEGATION_TOKEN_AUTHORIZATION_FAILED", false,
            "Delegation Token authorization failed."),
        new(ErrorCode.DelegationTokenExpired, "DELEGATION_TOKEN_EXPIRED", false, "Delegation Token is expired."),
        new(ErrorCode.InvalidPrincipalType, "INVALID_PRINCIPAL_TYPE", false,
            "Supplied principalType is not supported."),
        new(ErrorCode.NonEmptyGroup, "NON_EMPTY_GROUP", false, "The group is not empty."),
        new(ErrorCode.GroupIdNotFound, "GROUP_ID_NOT_FOUND", false, "The group id does not exist."),
        new(ErrorCode.FetchSessionIdNotFound, "FETCH_SESSION_ID_NOT_FOUND", true,
            "The fetch session ID was not found."),
        new(ErrorCode.InvalidFetchSessionEpoch, "INVALID_FETCH_SESSION_EPOCH", true,
            "The fetch session epoch is invalid."),
        new(ErrorCode.ListenerNotFound, "LISTENER_NOT_FOUND", true,
            "There is no listener on the leader broker that matches the listener on which metadata request was " +
            "processed."),
        new(ErrorCode.TopicDeletionDisabled, "TOPIC_DELETION_DISABLED", false, "Topic deletion is disabled."),
        new(ErrorCode.FencedLeaderEpoch, "FENCED_LEADER_EPOCH", true,
            "The leader epoch in the request is older than the epoch on the broker."),
        new(ErrorCode.UnknownLeaderEpoch, "UNKNOWN_LEADER_EPOCH", true,
            "The leader epoch in the request is newer than the epoch on the broker."),
        new(ErrorCode.UnsupportedCompressionType, "UNSUPPORTED_COMPRESSION_TYPE", false,
            "The requesting client does not support the compression type of given partition."),
        new(ErrorCode.StaleBrokerEpoch, "STALE_BROKER_EPOCH", false, "Broker epoch has changed."),
        new(ErrorCode.OffsetNotAvailable, "OFFSET_NOT_AVAILABLE", true,
            "The leader high watermark has not caught up from a recent leader election so the offsets cannot be " +
            "guaranteed to be monotonically increasing."),
        new(ErrorCode.MemberIdRequired, "MEMBER_ID_REQUIRED", false,
            "The group member needs to have a valid member id before actually entering a consumer group."),
        new(ErrorCode.PreferredLeaderNotAvailable, "PREFERRED_LEADER_NOT_AVAILABLE", true,
            "The preferred leader was not available."),
        new(ErrorCode.GroupMaxSizeReached, "GROUP_MAX_SIZE_REACHED", false, "The group has reached its maximum size."),
        new(ErrorCode.FencedInstanceId, "FENCED_INSTANCE_ID", false,
            "The broker rejected this static consumer since another consumer with the same group.instance.id has " +
            "registered with a different member.id."),
        new(ErrorCode.EligibleLeadersNotAvailable, "ELIGIBLE_LEADERS_NOT_AVAILABLE", true,
            "Eligible topic partition leaders are not available."),
        new(ErrorCode.ElectionNotNeeded, "ELECTION_NOT_NEEDED", true,
            "Leader election not needed for topic partition."),
        new(ErrorCode.NoReassignmentInProgress, "NO_REASSIGNMENT_IN_PROGRESS", false,
            "No partition reassignment is in progress."),
        new(ErrorCode.GroupSubscribedToTopic, "GROUP_SUBSCRIBED_TO_TOPIC", false,
            "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it."),
        new(ErrorCode.InvalidRecord, "INVALID_RECORD", false,
            "This record has failed the validation on broker and hence will be rejected."),
        new(ErrorCode.UnstableOffsetCommit, "UNSTABLE_OFFSET_COMMIT", true,
            "There are unstable offsets that need to be cleared."),
        new(ErrorCode.ThrottlingQuotaExceeded, "THROTTLING_QUOTA_EXCEEDED", true,
            "The throttling quota has been exceeded."),
        new(ErrorCode.ProducerFenced, "PRODUCER_FENCED", false,
            "There is a newer producer with the same transactionalId which fences the current one."),
        new(ErrorCode.ResourceNotFound, "RESOURCE_NOT_FOUND", false,
            "A request illegally referred to a resource that does not exist."),
        new(ErrorCode.DuplicateResource, "DUPLICATE_RESOURCE", false,
            "A request illegally referred to the same resource twice."),
        new(ErrorCode.UnacceptableCredential, "UNACCEPTABLE_CREDENTIAL", false,
            "Requested credential would not meet criteria for acceptability."),
        new(ErrorCode.InconsistentVoterSet, "INCONSISTENT_VOTER_SET", false,
            "Indicates that the either the sender or recipient of a voter-only request is not one of the expected " +
            "voters."),
        new(ErrorCode.InvalidUpdateVersion, "INVALID_UPDATE_VERSION", false, "The given update version was invalid."),
        new(ErrorCode.FeatureUpdateFailed, "FEATURE_UPDATE_FAILED", false,
            "Unable to update finalized features due to an unexpected server error."),
        new(ErrorCode.PrincipalDeserializationFailure, "PRINCIPAL_DESERIALIZATION_FAILURE", false,
            "Request principal deserialization failed during forwarding. This indicates an internal error on the " +
            "broker cluster security setup."),
        new(ErrorCode.SnapshotNotFound, "SNAPSHOT_NOT_FOUND", false, "Requested snapshot was not found."),
        new(ErrorCode.PositionOutOfRange, "POSITION_OUT_OF_RANGE", false,
            "Requested position is not greater than or equal to zero, and less than the size of the snapshot."),
        new(ErrorCode.UnknownTopicId, "UNKNOWN_TOPIC_ID", true, "This server does not host this topic ID."),
        new(ErrorCode.DuplicateBrokerRegistration, "DUPLICATE_BROKER_REGISTRATION", false,
            "This broker ID is already in use."),
        new(ErrorCode.BrokerIdNotRegistered, "BROKER_ID_NOT_REGISTERED", false,
            "The given broker ID was not registered."),
        new(ErrorCode.InconsistentTopicId, "INCONSISTENT_TOPIC_ID", true,
            "The log's topic ID did not match the topic ID in the request."),
        new(ErrorCode.InconsistentClusterId, "INCONSISTENT_CLUSTER_ID", false,
            "The clusterId in the request does not match that found on the server."),
        new(ErrorCode.TransactionalIdNotFound, "TRANSACTIONAL_ID_NOT_FOUND", false,
            "The transactionalId could not be found."),
        new(ErrorCode.FetchSessionTopicIdError, "FETCH_SESSION_TOPIC_ID_ERROR", true,
            "The fetch session encountered inconsistent topic ID usage."),
        new(ErrorCode.IneligibleReplica, "INELIGIBLE_REPLICA", false,
            "The new ISR contains at least one ineligible replica."),
        new(ErrorCode.NewLeaderElected, "NEW_LEADER_ELECTED", false,
            "The AlterPartition request successfully updated the partition state but the leader has changed."),
        new(ErrorCode.OffsetMovedToTieredStorage, "OFFSET_MOVED_TO_TIERED_STORAGE", false,
            "The requested offset is moved to tiered storage."),
        new(ErrorCode.FencedMemberEpoch, "FENCED_MEMBER_EPOCH", false,
            "The member epoch is fenced by the group coordinator. The member must abandon all its partitions and " +
            "rejoin."),
        new(ErrorCode.UnreleasedInstanceId, "UNRELEASED_INSTANCE_ID", false,
            "The instance ID is still used by another member in the consumer group. That member must leave first."),
        new(ErrorCode.UnsupportedAssignor, "UNSUPPORTED_ASSIGNOR", false,
            "The assignor or its version range is not supported by the consumer group."),
        new(ErrorCode.StaleMemberEpoch, "STALE_MEMBER_EPOCH", false,
            "The member epoch is stale. The member must retry after receiving its updated member epoch via the " +
            "ConsumerGroupHeartbeat API."),
        new(ErrorCode.MismatchedEndpointType, "MISMATCHED_ENDPOINT_TYPE", false,
            "The request was sent to an endpoint of the wrong type."),
        new(ErrorCode.UnsupportedEndpointType, "UNSUPPORTED_ENDPOINT_TYPE", false,
            "This endpoint type is not supported yet."),
        new(ErrorCode.UnknownControllerId, "UNKNOWN_CONTROLLER_ID", false, "This controller ID is not known."),
        new(ErrorCode.UnknownSubscriptionId, "UNKNOWN_SUBSCRIPTION_ID", false,
            "Client sent a push telemetry request with an invalid or outdated subscription ID."),
        new(ErrorCode.TelemetryTooLarge, "TELEMETRY_TOO_LARGE", false,
            "Client sent a push telemetry request larger than the maximum size the broker will accept."),
        new(ErrorCode.InvalidRegistration, "INVALID_REGISTRATION", false,
            "The controller has considered the broker registration to be invalid."),
        new(ErrorCode.TransactionAbortable, "TRANSACTION_ABORTABLE", false,
            "The server encountered an error with the transaction. The client can abort the transaction to " +
            "continue using this transactional ID."),
        new(ErrorCode.InvalidRecordState, "INVALID_RECORD_STATE", false,
            "The record state is invalid. The acknowledgement of delivery could not be completed."),
        new(ErrorCode.ShareSessionNotFound, "SHARE_SESSION_NOT_FOUND", true, "The share session was not found."),
        new(ErrorCode.InvalidShareSessionEpoch, "INVALID_SHARE_SESSION_EPOCH", true,
            "The share session epoch is invalid."),
        new(ErrorCode.FencedStateEpoch, "FENCED_STATE_EPOCH", false,
            "The share coordinator rejected the request because the share-group state epoch did not match."),
        new(ErrorCode.InvalidVoterKey, "INVALID_VOTER_KEY", false,
            "The voter key doesn't match the receiving replica's key."),
        new(ErrorCode.DuplicateVoter, "DUPLICATE_VOTER", false, "The voter is already part of the set of voters."),
        new(ErrorCode.VoterNotFound, "VOTER_NOT_FOUND", false, "The voter is not part of the set of voters."),
        new(ErrorCode.InvalidRegularExpression, "INVALID_REGULAR_EXPRESSION", false,
            "The regular expression is not valid."),
        new(ErrorCode.RebootstrapRequired, "REBOOTSTRAP_REQUIRED", false,
            "Client metadata is stale. The client should rebootstrap to obtain new metadata."),
        new(ErrorCode.StreamsInvalidTopology, "STREAMS_INVALID_TOPOLOGY", false, "The supplied topology is invalid."),
        new(ErrorCode.StreamsInvalidTopologyEpoch, "STREAMS_INVALID_TOPOLOGY_EPOCH", false,
            "The supplied topology epoch is invalid."),
        new(ErrorCode.StreamsTopologyFenced, "STREAMS_TOPOLOGY_FENCED", false,
            "The supplied topology epoch is outdated."),
        new(ErrorCode.ShareSessionLimitReached, "SHARE_SESSION_LIMIT_REACHED", true,
            "The limit of share sessions has been reached."),
    ];

    /// <summary>True when Kafka's clients retry a request that failed with <paramref name="code"/>.</summary>
    public static bool IsRetriable(this ErrorCode code) => Lookup(code).Retriable;

    /// <summary>Kafka's UPPER_SNAKE name of <paramref name="code"/>, such as <c>NOT_LEADER_OR_FOLLOWER</c>.</summary>
    public static string KafkaName(this ErrorCode code) => Lookup(code).Name;

    /// <summary>
    /// Kafka's default message for <paramref name="code"/>, the text a response carries when nothing more specific
    /// is known. <see cref="ErrorCode.None"/> answers <c>NONE</c>, as Kafka does.
    /// </summary>
    public static string Message(this ErrorCode code) => Lookup(code).Message;

    /// <summary>True when <paramref name="code"/> is one of the codes in the table.</summary>
    public static bool IsKnown(this ErrorCode code) => (uint)((int)code - MinCode) < (uint)Table.Length;

    private static ref readonly Entry Lookup(ErrorCode code)
    {
        uint index = (uint)((int)code - MinCode);
        Entry[] table = Table;
        if (index >= (uint)table.Length)
        {
            index = 0; // UnknownServerError
        }

        ref readonly Entry entry = ref table[index];
        Debug.Assert(entry.Code == code || index == 0, $"ErrorCodes table row {index} holds {entry.Code}");
        return ref entry;
    }

    private readonly record struct Entry(ErrorCode Code, string Name, bool Retriable, string Message);
}
