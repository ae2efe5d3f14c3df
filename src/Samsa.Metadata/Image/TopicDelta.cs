using System.Collections.Immutable;

namespace Samsa.Metadata.Image;

/// <summary>The changes to one topic in a <see cref="MetadataDelta"/>: created, or some of its partitions
/// created or changed.</summary>
public sealed class TopicDelta
{
    private readonly Dictionary<int, PartitionRegistration> _partitionChanges = [];

    internal TopicDelta(TopicImage? image, string name, Guid topicId)
    {
        Image = image;
        Name = name;
        TopicId = topicId;
    }

    /// <summary>The topic before the delta, or null when the delta creates it.</summary>
    public TopicImage? Image { get; }

    public string Name { get; }

    public Guid TopicId { get; }

    public bool IsCreated => Image is null;

    /// <summary>The partitions created or changed, by index, as they are after the delta.</summary>
    public IReadOnlyDictionary<int, PartitionRegistration> PartitionChanges => _partitionChanges;

    /// <summary>The partition as the delta has it so far, or null when it does not exist.</summary>
    public PartitionRegistration? GetPartition(int partition)
    {
        if (_partitionChanges.TryGetValue(partition, out PartitionRegistration? changed)) return changed;
        return Image is not null && Image.TryGetPartition(partition, out PartitionRegistration? existing)
            ? existing
            : null;
    }

    internal void SetPartition(PartitionRegistration partition) => _partitionChanges[partition.Partition] = partition;

    internal TopicImage Apply()
    {
        int count = Image?.PartitionCount ?? 0;
        foreach (int index in _partitionChanges.Keys) count = Math.Max(count, index + 1);
        var partitions = ImmutableArray.CreateBuilder<PartitionRegistration>(count);
        for (int i = 0; i < count; i++)
        {
            PartitionRegistration? p = GetPartition(i) ?? throw new InvalidDataException(
                $"metadata log is inconsistent: topic {Name} ({TopicId}) has partition {count - 1} " +
                $"but no partition {i}");
            partitions.Add(p);
        }
        return new TopicImage(Name, TopicId, partitions.MoveToImmutable());
    }
}
