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
/// <param name="NewIsrBrokerEpochs">The broker epoch the leader saw for each member of <paramref name="NewIsr"/>, in
/// the same order (KIP-903), -1 where it does not know; default when none is known. A member registered since at
/// another epoch (it restarted, and may have lost what it had) is refused.</param>
public sealed record AlterPartitionRequest(int BrokerId, long BrokerEpoch, Guid TopicId, int Partition,
    int LeaderEpoch, int PartitionEpoch, ImmutableArray<int> NewIsr,
    ImmutableArray<long> NewIsrBrokerEpochs = default);
