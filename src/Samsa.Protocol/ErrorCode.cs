namespace Samsa.Protocol;

/// <summary>
/// The error codes of the Kafka protocol, with Kafka's numbers. An error code travels as an INT16 in responses.
/// </summary>
/// <remarks>
/// The numbers are fixed by the protocol and never change; the names are Kafka's (<c>Errors</c> in the Java
/// client), in PascalCase. The table covers codes -1 through 133 (Kafka 4.x). A peer may send a code this table
/// does not know; <see cref="ErrorCodes"/> treats such a value as <see cref="UnknownServerError"/>, as Kafka's
/// clients do. Inside Samsa, modules return their own result enums and the broker maps them to these codes at the
/// protocol edge.
/// </remarks>
public enum ErrorCode : short
{
    /// <summary>The broker hit an unexpected error; also what a client assumes for a code it does not know.</summary>
    UnknownServerError = -1,
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>The requested offset is outside the partition's log start offset to log end offset range.</summary>
    OffsetOutOfRange = 1,
    /// <summary>A batch failed its CRC, is oversized, has a null key on a compacted topic, or is corrupt.</summary>
    CorruptMessage = 2,
    /// <summary>This broker does not host the topic-partition, or the topic does not exist.</summary>
    UnknownTopicOrPartition = 3,
    /// <summary>The fetch size in the request is invalid.</summary>
    InvalidFetchSize = 4,
    /// <summary>The partition has no leader, usually because a leader election is under way.</summary>
    LeaderNotAvailable = 5,
    /// <summary>This broker is not the leader (leader-only requests) or not a replica (replica requests).</summary>
    NotLeaderOrFollower = 6,
    /// <summary>The request timed out, for example waiting for acks=all replication.</summary>
    RequestTimedOut = 7,
    /// <summary>The broker is not available.</summary>
    BrokerNotAvailable = 8,
    /// <summary>The replica is not available; leader- or follower-only requests get NotLeaderOrFollower.</summary>
    ReplicaNotAvailable = 9,
    /// <summary>A record batch is larger than the largest message the broker accepts (message.max.bytes).</summary>
    MessageTooLarge = 10,
    /// <summary>The request carried a controller epoch older than the current controller's.</summary>
    StaleControllerEpoch = 11,
    /// <summary>The metadata string of an offset commit is longer than the broker allows.</summary>
    OffsetMetadataTooLarge = 12,
    /// <summary>The connection closed before a response arrived.</summary>
    NetworkException = 13,
    /// <summary>The coordinator is still loading its state and cannot serve the request yet.</summary>
    CoordinatorLoadInProgress = 14,
    /// <summary>The coordinator is not available, for example because its internal topic is not ready.</summary>
    CoordinatorNotAvailable = 15,
    /// <summary>This broker is not the coordinator for the group or transactional id.</summary>
    NotCoordinator = 16,
    /// <summary>The topic is invalid: an illegal name, or an internal topic where none is allowed.</summary>
    InvalidTopicException = 17,
    /// <summary>The produce request carried a record batch larger than the segment size.</summary>
    RecordListTooLarge = 18,
    /// <summary>The write was refused because the in-sync replicas number fewer than min.insync.replicas.</summary>
    NotEnoughReplicas = 19,
    /// <summary>The write reached the log but fewer in-sync replicas than min.insync.replicas hold it.</summary>
    NotEnoughReplicasAfterAppend = 20,
    /// <summary>The produce request carried an acks value other than -1, 0 or 1.</summary>
    InvalidRequiredAcks = 21,
    /// <summary>The group generation id in the request is not the current one.</summary>
    IllegalGeneration = 22,
    /// <summary>The member's protocols do not match the group's, or the first member joined with none.</summary>
    InconsistentGroupProtocol = 23,
    /// <summary>The group id is invalid.</summary>
    InvalidGroupId = 24,
    /// <summary>The coordinator does not know this member id.</summary>
    UnknownMemberId = 25,
    /// <summary>The session timeout is outside group.min.session.timeout.ms to group.max.session.timeout.ms.</summary>
    InvalidSessionTimeout = 26,
    /// <summary>The group is rebalancing; the member must rejoin.</summary>
    RebalanceInProgress = 27,
    /// <summary>The offset commit data has an invalid size.</summary>
    InvalidCommitOffsetSize = 28,
    /// <summary>The principal is not authorized for the topic.</summary>
    TopicAuthorizationFailed = 29,
    /// <summary>The principal is not authorized for the group.</summary>
    GroupAuthorizationFailed = 30,
    /// <summary>The principal is not authorized for the cluster operation.</summary>
    ClusterAuthorizationFailed = 31,
    /// <summary>A record timestamp is outside the range the topic accepts.</summary>
    InvalidTimestamp = 32,
    /// <summary>The broker does not support the requested SASL mechanism.</summary>
    UnsupportedSaslMechanism = 33,
    /// <summary>The request is not valid in the current SASL state.</summary>
    IllegalSaslState = 34,
    /// <summary>The API version of the request is not supported.</summary>
    UnsupportedVersion = 35,
    /// <summary>A topic with this name already exists.</summary>
    TopicAlreadyExists = 36,
    /// <summary>The partition count is invalid (below 1, or not an increase).</summary>
    InvalidPartitions = 37,
    /// <summary>The replication factor is below 1 or larger than the number of available brokers.</summary>
    InvalidReplicationFactor = 38,
    /// <summary>The replica assignment is invalid.</summary>
    InvalidReplicaAssignment = 39,
    /// <summary>The configuration is invalid.</summary>
    InvalidConfig = 40,
    /// <summary>This node is not the active controller.</summary>
    NotController = 41,
    /// <summary>The request is malformed or was sent to an incompatible broker.</summary>
    InvalidRequest = 42,
    /// <summary>The message format version on the broker does not support the request.</summary>
    UnsupportedForMessageFormat = 43,
    /// <summary>The request parameters violate a configured policy.</summary>
    PolicyViolation = 44,
    /// <summary>The broker received an out-of-order sequence number from an idempotent producer.</summary>
    OutOfOrderSequenceNumber = 45,
    /// <summary>The broker received a duplicate sequence number from an idempotent producer.</summary>
    DuplicateSequenceNumber = 46,
    /// <summary>The producer used an epoch older than the current one.</summary>
    InvalidProducerEpoch = 47,
    /// <summary>The producer attempted a transactional operation in an invalid state.</summary>
    InvalidTxnState = 48,
    /// <summary>The producer id is not currently assigned to the transactional id.</summary>
    InvalidProducerIdMapping = 49,
    /// <summary>The transaction timeout is larger than transaction.max.timeout.ms.</summary>
    InvalidTransactionTimeout = 50,
    /// <summary>Another operation on the same transaction is in progress.</summary>
    ConcurrentTransactions = 51,
    /// <summary>The coordinator that sent WriteTxnMarkers no longer coordinates the producer's transactions.</summary>
    TransactionCoordinatorFenced = 52,
    /// <summary>The principal is not authorized for the transactional id.</summary>
    TransactionalIdAuthorizationFailed = 53,
    /// <summary>Security features are disabled.</summary>
    SecurityDisabled = 54,
    /// <summary>Not attempted, because another operation in the same batched request failed.</summary>
    OperationNotAttempted = 55,
    /// <summary>A disk error occurred while accessing a log file.</summary>
    KafkaStorageError = 56,
    /// <summary>The requested log directory is not in the broker's configuration.</summary>
    LogDirNotFound = 57,
    /// <summary>SASL authentication failed.</summary>
    SaslAuthenticationFailed = 58,
    /// <summary>The broker has no state for this producer id, e.g. after retention removed its records.</summary>
    UnknownProducerId = 59,
    /// <summary>A partition reassignment is in progress.</summary>
    ReassignmentInProgress = 60,
    /// <summary>Delegation tokens are not enabled.</summary>
    DelegationTokenAuthDisabled = 61,
    /// <summary>The delegation token was not found.</summary>
    DelegationTokenNotFound = 62,
    /// <summary>The principal is not a valid owner or renewer of the delegation token.</summary>
    DelegationTokenOwnerMismatch = 63,
    /// <summary>Delegation token requests are refused on PLAINTEXT, 1-way SSL or token-authenticated links.</summary>
    DelegationTokenRequestNotAllowed = 64,
    /// <summary>The principal is not authorized for the delegation token.</summary>
    DelegationTokenAuthorizationFailed = 65,
    /// <summary>The delegation token has expired.</summary>
    DelegationTokenExpired = 66,
    /// <summary>The principal type is not supported.</summary>
    InvalidPrincipalType = 67,
    /// <summary>The group is not empty.</summary>
    NonEmptyGroup = 68,
    /// <summary>The group id does not exist.</summary>
    GroupIdNotFound = 69,
    /// <summary>The incremental fetch session id was not found.</summary>
    FetchSessionIdNotFound = 70,
    /// <summary>The incremental fetch session epoch is invalid.</summary>
    InvalidFetchSessionEpoch = 71,
    /// <summary>The partition leader has no listener matching the one the metadata request arrived on.</summary>
    ListenerNotFound = 72,
    /// <summary>Topic deletion is disabled.</summary>
    TopicDeletionDisabled = 73,
    /// <summary>The leader epoch in the request is older than the broker's.</summary>
    FencedLeaderEpoch = 74,
    /// <summary>The leader epoch in the request is newer than the broker's.</summary>
    UnknownLeaderEpoch = 75,
    /// <summary>The client does not support the compression type of the partition.</summary>
    UnsupportedCompressionType = 76,
    /// <summary>The broker epoch has changed.</summary>
    StaleBrokerEpoch = 77,
    /// <summary>The high watermark lags a recent leader election, so offsets may not yet increase.</summary>
    OffsetNotAvailable = 78,
    /// <summary>The member must obtain a member id before joining the group.</summary>
    MemberIdRequired = 79,
    /// <summary>The preferred leader is not available.</summary>
    PreferredLeaderNotAvailable = 80,
    /// <summary>The group has reached its maximum size.</summary>
    GroupMaxSizeReached = 81,
    /// <summary>Another member with the same group.instance.id has registered with a different member id.</summary>
    FencedInstanceId = 82,
    /// <summary>No eligible leader is available for the partition.</summary>
    EligibleLeadersNotAvailable = 83,
    /// <summary>The partition does not need a leader election.</summary>
    ElectionNotNeeded = 84,
    /// <summary>No partition reassignment is in progress.</summary>
    NoReassignmentInProgress = 85,
    /// <summary>Offsets of a topic cannot be deleted while the group is subscribed to it.</summary>
    GroupSubscribedToTopic = 86,
    /// <summary>A record failed the broker's validation.</summary>
    InvalidRecord = 87,
    /// <summary>Unstable (pending transactional) offsets must be cleared first.</summary>
    UnstableOffsetCommit = 88,
    /// <summary>The throttling quota has been exceeded.</summary>
    ThrottlingQuotaExceeded = 89,
    /// <summary>A newer producer with the same transactional id has fenced this one.</summary>
    ProducerFenced = 90,
    /// <summary>The request referred to a resource that does not exist.</summary>
    ResourceNotFound = 91,
    /// <summary>The request referred to the same resource twice.</summary>
    DuplicateResource = 92,
    /// <summary>The requested credential does not meet the acceptability criteria.</summary>
    UnacceptableCredential = 93,
    /// <summary>The sender or recipient of a voter-only request is not one of the expected voters.</summary>
    InconsistentVoterSet = 94,
    /// <summary>The update version is invalid.</summary>
    InvalidUpdateVersion = 95,
    /// <summary>Finalized features could not be updated because of an unexpected server error.</summary>
    FeatureUpdateFailed = 96,
    /// <summary>The request principal could not be deserialized during forwarding.</summary>
    PrincipalDeserializationFailure = 97,
    /// <summary>The requested snapshot was not found.</summary>
    SnapshotNotFound = 98,
    /// <summary>The requested snapshot position is negative or beyond the snapshot's size.</summary>
    PositionOutOfRange = 99,
    /// <summary>This broker does not host a topic with this topic id.</summary>
    UnknownTopicId = 100,
    /// <summary>The broker id is already registered.</summary>
    DuplicateBrokerRegistration = 101,
    /// <summary>The broker id is not registered.</summary>
    BrokerIdNotRegistered = 102,
    /// <summary>The topic id in the request does not match the log's.</summary>
    InconsistentTopicId = 103,
    /// <summary>The cluster id in the request does not match the server's.</summary>
    InconsistentClusterId = 104,
    /// <summary>The transactional id was not found.</summary>
    TransactionalIdNotFound = 105,
    /// <summary>The fetch session used topic ids inconsistently.</summary>
    FetchSessionTopicIdError = 106,
    /// <summary>The proposed ISR contains an ineligible replica.</summary>
    IneligibleReplica = 107,
    /// <summary>AlterPartition updated the partition, but its leader has changed.</summary>
    NewLeaderElected = 108,
    /// <summary>The requested offset has moved to tiered storage.</summary>
    OffsetMovedToTieredStorage = 109,
    /// <summary>The member epoch is fenced; the member must give up its partitions and rejoin.</summary>
    FencedMemberEpoch = 110,
    /// <summary>The instance id is still in use by another member, which must leave first.</summary>
    UnreleasedInstanceId = 111,
    /// <summary>The group does not support the assignor or its version range.</summary>
    UnsupportedAssignor = 112,
    /// <summary>The member epoch is stale; retry with the epoch of the latest ConsumerGroupHeartbeat answer.</summary>
    StaleMemberEpoch = 113,
    /// <summary>The request was sent to an endpoint of the wrong type (broker or controller).</summary>
    MismatchedEndpointType = 114,
    /// <summary>This endpoint type is not supported yet.</summary>
    UnsupportedEndpointType = 115,
    /// <summary>The controller id is not known.</summary>
    UnknownControllerId = 116,
    /// <summary>The client telemetry subscription id is invalid or outdated.</summary>
    UnknownSubscriptionId = 117,
    /// <summary>The pushed client telemetry exceeds the size the broker accepts.</summary>
    TelemetryTooLarge = 118,
    /// <summary>The controller considers the broker registration invalid.</summary>
    InvalidRegistration = 119,
    /// <summary>The transaction failed on the server; the client can abort it and keep its transactional id.</summary>
    TransactionAbortable = 120,
    /// <summary>The record is in a state that does not allow the acknowledgement.</summary>
    InvalidRecordState = 121,
    /// <summary>The share session was not found.</summary>
    ShareSessionNotFound = 122,
    /// <summary>The share session epoch is invalid.</summary>
    InvalidShareSessionEpoch = 123,
    /// <summary>The share-group state epoch in the request does not match the share coordinator's.</summary>
    FencedStateEpoch = 124,
    /// <summary>The voter key does not match the receiving replica's key.</summary>
    InvalidVoterKey = 125,
    /// <summary>The voter is already in the voter set.</summary>
    DuplicateVoter = 126,
    /// <summary>The voter is not in the voter set.</summary>
    VoterNotFound = 127,
    /// <summary>The regular expression is not valid.</summary>
    InvalidRegularExpression = 128,
    /// <summary>The client's metadata is stale; it must rebootstrap.</summary>
    RebootstrapRequired = 129,
    /// <summary>The supplied streams topology is invalid.</summary>
    StreamsInvalidTopology = 130,
    /// <summary>The supplied streams topology epoch is invalid.</summary>
    StreamsInvalidTopologyEpoch = 131,
    /// <summary>The supplied streams topology epoch is outdated.</summary>
    StreamsTopologyFenced = 132,
    /// <summary>The broker has reached its limit of share sessions.</summary>
    ShareSessionLimitReached = 133,
}
