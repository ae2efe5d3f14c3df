namespace Samsa.GoldenCapture;

/// <summary>
/// API names, highest valid versions and first flexible versions, as in protocol/messages (the
/// "name" without its Request/Response suffix, "validVersions" and "flexibleVersions"). The capture needs them to
/// name files, pick header versions and cap the versions clients use; the codec under test reads the definitions
/// themselves.
/// </summary>
internal static class ApiCatalog
{
    private const short None = short.MaxValue;

    private static readonly (string Name, short MaxVersion, short FirstFlexible)[] Apis =
    [
        ("Produce", 11, 9), ("Fetch", 17, 12), ("ListOffsets", 10, 6), ("Metadata", 12, 9), ("LeaderAndIsr", 7, 4),
        ("StopReplica", 4, 2), ("UpdateMetadata", 8, 6), ("ControlledShutdown", 3, 3), ("OffsetCommit", 9, 8),
        ("OffsetFetch", 9, 6), ("FindCoordinator", 6, 3), ("JoinGroup", 9, 6), ("Heartbeat", 4, 4),
        ("LeaveGroup", 5, 4), ("SyncGroup", 5, 4), ("DescribeGroups", 5, 5), ("ListGroups", 5, 3),
        ("SaslHandshake", 1, None), ("ApiVersions", 4, 3), ("CreateTopics", 7, 5), ("DeleteTopics", 6, 4),
        ("DeleteRecords", 2, 2), ("InitProducerId", 5, 2), ("OffsetForLeaderEpoch", 4, 4), ("AddPartitionsToTxn", 5, 3),
        ("AddOffsetsToTxn", 4, 3), ("EndTxn", 5, 3), ("WriteTxnMarkers", 1, 1), ("TxnOffsetCommit", 4, 3),
        ("DescribeAcls", 3, 2), ("CreateAcls", 3, 2), ("DeleteAcls", 3, 2), ("DescribeConfigs", 4, 4),
        ("AlterConfigs", 2, 2), ("AlterReplicaLogDirs", 2, 2), ("DescribeLogDirs", 4, 2), ("SaslAuthenticate", 2, 2),
        ("CreatePartitions", 3, 2), ("CreateDelegationToken", 3, 2), ("RenewDelegationToken", 2, 2),
        ("ExpireDelegationToken", 2, 2), ("DescribeDelegationToken", 3, 2), ("DeleteGroups", 2, 2),
        ("ElectLeaders", 2, 2), ("IncrementalAlterConfigs", 1, 1), ("AlterPartitionReassignments", 0, 0),
        ("ListPartitionReassignments", 0, 0), ("OffsetDelete", 0, None), ("DescribeClientQuotas", 1, 1),
        ("AlterClientQuotas", 1, 1), ("DescribeUserScramCredentials", 0, 0), ("AlterUserScramCredentials", 0, 0),
        ("Vote", 1, 0), ("BeginQuorumEpoch", 1, 1), ("EndQuorumEpoch", 1, 1), ("DescribeQuorum", 2, 0),
        ("AlterPartition", 3, 0), ("UpdateFeatures", 2, 0), ("Envelope", 0, 0), ("FetchSnapshot", 1, 0),
        ("DescribeCluster", 1, 0), ("DescribeProducers", 0, 0), ("BrokerRegistration", 4, 0), ("BrokerHeartbeat", 1, 0),
        ("UnregisterBroker", 0, 0), ("DescribeTransactions", 0, 0), ("ListTransactions", 1, 0),
        ("AllocateProducerIds", 0, 0), ("ConsumerGroupHeartbeat", 1, 0), ("ConsumerGroupDescribe", 0, 0),
        ("ControllerRegistration", 0, 0), ("GetTelemetrySubscriptions", 0, 0), ("PushTelemetry", 0, 0),
        ("AssignReplicasToDirs", 0, 0), ("ListClientMetricsResources", 0, 0), ("DescribeTopicPartitions", 0, 0),
        ("ShareGroupHeartbeat", 0, 0), ("ShareGroupDescribe", 0, 0), ("ShareFetch", 0, 0), ("ShareAcknowledge", 0, 0),
        ("AddRaftVoter", 0, 0), ("RemoveRaftVoter", 0, 0), ("UpdateRaftVoter", 0, 0),
        ("InitializeShareGroupState", 0, 0), ("ReadShareGroupState", 0, 0), ("WriteShareGroupState", 0, 0),
        ("DeleteShareGroupState", 0, 0), ("ReadShareGroupStateSummary", 0, 0),
    ];

    public const short Produce = 0;
    public const short Fetch = 1;
    public const short Metadata = 3;
    public const short FindCoordinator = 10;
    public const short Heartbeat = 12;
    public const short ApiVersions = 18;

    public static string Name(short apiKey) =>
        apiKey >= 0 && apiKey < Apis.Length ? Apis[apiKey].Name : $"Api{apiKey}";

    /// <summary>The highest version the definitions describe, or -1 for an unknown key.</summary>
    public static short MaxVersion(short apiKey) =>
        apiKey >= 0 && apiKey < Apis.Length ? Apis[apiKey].MaxVersion : (short)-1;

    public static bool IsFlexible(short apiKey, short version) =>
        apiKey >= 0 && apiKey < Apis.Length && version >= Apis[apiKey].FirstFlexible;

    /// <summary>Request header v2 for flexible versions, v1 otherwise (ControlledShutdown v0 alone uses v0).</summary>
    public static short RequestHeaderVersion(short apiKey, short version) =>
        IsFlexible(apiKey, version) ? (short)2 : apiKey == 7 && version == 0 ? (short)0 : (short)1;

    /// <summary>Response header v1 for flexible versions, except ApiVersions (always v0).</summary>
    public static short ResponseHeaderVersion(short apiKey, short version) =>
        IsFlexible(apiKey, version) && apiKey != ApiVersions ? (short)1 : (short)0;
}
