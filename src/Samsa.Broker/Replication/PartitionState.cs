using Samsa.Metadata.Configs;

namespace Samsa.Broker.Replication;

/// <summary>A partition's role and settings as of one metadata image.</summary>
internal sealed record PartitionState(bool IsLeader, int LeaderEpoch, int Leader, int[] Replicas, int[] Isr,
    EffectiveTopicConfig Config, int PartitionEpoch = 0);
