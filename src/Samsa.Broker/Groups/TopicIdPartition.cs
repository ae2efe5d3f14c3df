namespace Samsa.Broker.Groups;

/// <summary>A partition as consumer groups (KIP-848) name it: by topic id.</summary>
internal readonly record struct TopicIdPartition(Guid TopicId, int Partition);
