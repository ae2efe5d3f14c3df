using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

/// <summary>A topic: its name, id and partitions, indexed by partition.</summary>
/// <remarks>Immutable. Partitions are numbered from 0 without gaps, so a partition is an array index.</remarks>
public sealed class TopicImage
{
    public TopicImage(string name, Guid topicId, ImmutableArray<PartitionRegistration> partitions)
    {
        Name = name;
        TopicId = topicId;
        Partitions = partitions.IsDefault ? [] : partitions;
    }

    public string Name { get; }

    public Guid TopicId { get; }

    /// <summary>The partitions; element <c>i</c> is partition <c>i</c>.</summary>
    public ImmutableArray<PartitionRegistration> Partitions { get; }

    public int PartitionCount => Partitions.Length;

    /// <summary>The partition, if the topic has it. O(1), no allocation.</summary>
    public bool TryGetPartition(int partition, [NotNullWhen(true)] out PartitionRegistration? registration)
    {
        if ((uint)partition < (uint)Partitions.Length)
        {
            registration = Partitions[partition];
            return true;
        }
        registration = null;
        return false;
    }

    /// <summary>The replication factor: the replica count of partition 0 (all partitions start alike).</summary>
    public int ReplicationFactor => Partitions.Length == 0 ? 0 : Partitions[0].Replicas.Length;

    public override string ToString() => $"{Name} ({TopicId}, {PartitionCount} partitions)";
}
