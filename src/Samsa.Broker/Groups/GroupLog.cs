using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Groups;

/// <summary>The group coordinator's log messages (event ids 4200–4299).</summary>
internal static partial class GroupLog
{
    [LoggerMessage(4201, LogLevel.Information,
        "Loaded __consumer_offsets-{Partition} at leader epoch {LeaderEpoch}: {Groups} groups from {Records} records "
        + "in {ElapsedMs} ms")]
    public static partial void PartitionLoaded(this ILogger logger, int partition, int leaderEpoch, int groups,
        int records, long elapsedMs);

    [LoggerMessage(4202, LogLevel.Error, "Loading __consumer_offsets-{Partition} stopped at a record it cannot read")]
    public static partial void LoadFailed(this ILogger logger, Exception exception, int partition);

    [LoggerMessage(4203, LogLevel.Information,
        "Unloaded __consumer_offsets-{Partition}: this broker no longer leads it")]
    public static partial void PartitionUnloaded(this ILogger logger, int partition);

    [LoggerMessage(4204, LogLevel.Information,
        "Group {GroupId} completed a rebalance: generation {Generation}, {Members} members, protocol {Protocol}")]
    public static partial void RebalanceCompleted(this ILogger logger, string groupId, int generation, int members,
        string protocol);

    [LoggerMessage(4205, LogLevel.Information, "Group {GroupId}: member {MemberId} missed its session timeout")]
    public static partial void MemberSessionExpired(this ILogger logger, string groupId, string memberId);

    [LoggerMessage(4206, LogLevel.Information,
        "Group {GroupId}: member {MemberId} did not rejoin in time and was removed")]
    public static partial void MemberRemovedAtRebalance(this ILogger logger, string groupId, string memberId);

    [LoggerMessage(4207, LogLevel.Debug, "Group {GroupId}: member {MemberId} left")]
    public static partial void MemberLeft(this ILogger logger, string groupId, string memberId);

    [LoggerMessage(4208, LogLevel.Information, "Group {GroupId}: {Count} committed offsets expired")]
    public static partial void OffsetsExpired(this ILogger logger, string groupId, int count);

    [LoggerMessage(4209, LogLevel.Warning,
        "Created __consumer_offsets with replication factor {ReplicationFactor} instead of "
        + "offsets.topic.replication.factor={Configured}: only {LiveBrokers} brokers are live")]
    public static partial void OffsetsTopicReplicationReduced(this ILogger logger, short replicationFactor,
        short configured, int liveBrokers);

    [LoggerMessage(4210, LogLevel.Information, "Group {GroupId} deleted")]
    public static partial void GroupDeleted(this ILogger logger, string groupId);
}
