using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

/// <summary>Every topic, by name and by id.</summary>
/// <remarks>Immutable and safe to read from any thread. <see cref="TryGetTopic(string, out TopicImage)"/> and
/// <see cref="TryGetTopic(Guid, out TopicImage)"/> are O(1) and allocation-free after the first lookup on an
/// image.</remarks>
public sealed class TopicsImage
{
    private readonly ImageMap<Guid, TopicImage> _byId;
    private readonly ImageMap<string, TopicImage> _byName;

    public static TopicsImage Empty { get; } = new(
        ImmutableDictionary<Guid, TopicImage>.Empty,
        ImmutableDictionary.Create<string, TopicImage>(StringComparer.Ordinal));

    internal TopicsImage(ImmutableDictionary<Guid, TopicImage> byId, ImmutableDictionary<string, TopicImage> byName)
    {
        _byId = new ImageMap<Guid, TopicImage>(byId);
        _byName = new ImageMap<string, TopicImage>(byName);
    }

    public int Count => _byId.Count;

    /// <summary>The topics, in no particular order.</summary>
    public IEnumerable<TopicImage> All => _byId.Items.Values;

    internal ImmutableDictionary<Guid, TopicImage> ById => _byId.Items;

    internal ImmutableDictionary<string, TopicImage> ByName => _byName.Items;

    public bool TryGetTopic(string name, [NotNullWhen(true)] out TopicImage? topic) =>
        _byName.TryGetValue(name, out topic);

    public bool TryGetTopic(Guid topicId, [NotNullWhen(true)] out TopicImage? topic) =>
        _byId.TryGetValue(topicId, out topic);

    /// <summary>The partition of the named topic, if both exist. O(1), no allocation.</summary>
    public bool TryGetPartition(string topic, int partition,
        [NotNullWhen(true)] out PartitionRegistration? registration)
    {
        if (_byName.TryGetValue(topic, out TopicImage? t)) return t.TryGetPartition(partition, out registration);
        registration = null;
        return false;
    }
}
