using System.Collections.Immutable;

namespace Samsa.Metadata.Controller;

/// <summary>A partition leader proposes a new ISR (Kafka's AlterPartition request, one partition).</summary>
/// <param name="BrokerId">The leader sending it.</param>
/// <param name="BrokerEpoch">The leader's broker epoch.</param>
/// <param name="TopicId">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="LeaderEpoch">The leader epoch the leader is in.</param>
/// <param name="PartitionEpoch">The partition epoch the proposal is based on.</param>
/// <param name="NewIsr">The proposed ISR; it must include the leader.</param>
public sealed record AlterPartitionRequest(int BrokerId, long BrokerEpoch, Guid TopicId, int Partition,
    int LeaderEpoch, int PartitionEpoch, ImmutableArray<int> NewIsr);
