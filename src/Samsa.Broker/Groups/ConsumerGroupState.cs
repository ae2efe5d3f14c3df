using Samsa.Protocol.CoordinatorRecords;

namespace Samsa.Broker.Groups;

/// <summary>A consumer group's latest records, gathered while a partition of <c>__consumer_offsets</c> loads.</summary>
internal sealed class ConsumerGroupState
{
    /// <summary>Set by the group's epoch record; a tombstone for it clears it.</summary>
    public bool Exists { get; set; }

    public int GroupEpoch { get; set; }

    public int AssignmentEpoch { get; set; }

    public Dictionary<string, ConsumerGroupMemberMetadataValue> Members { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ConsumerGroupCurrentMemberAssignmentValue> Current { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, HashSet<TopicIdPartition>> Targets { get; } = new(StringComparer.Ordinal);
}
