using System.Collections.Immutable;

namespace Samsa.Metadata.Image;

/// <summary>
/// Records replayed on top of an image, not yet applied: <see cref="Replay"/> each record of a committed batch, then
/// <see cref="Apply"/> makes the next image in O(changed). Publishers read what changed from the delta.
/// </summary>
/// <remarks>Not thread-safe: the loader that replays the log owns it. A record that contradicts the image (a change
/// to a topic that does not exist, a fence with a stale epoch) means the log is inconsistent and throws
/// <see cref="InvalidDataException"/>: the controller never writes one, so it is corruption, and replay
/// stops.</remarks>
public sealed class MetadataDelta
{
    private string? _clusterId;
    private Dictionary<int, BrokerRegistration?>? _brokers;
    private Dictionary<Guid, TopicDelta>? _topics;
    private Dictionary<string, Guid>? _createdNames;
    private Dictionary<Guid, TopicImage>? _deletedTopics;
    private Dictionary<ConfigResource, ResourceConfigChanges>? _configs;
    private long? _nextProducerId;

    public MetadataDelta(MetadataImage image) => Image = image;

    /// <summary>The image the delta starts from.</summary>
    public MetadataImage Image { get; }

    /// <summary>The cluster id the delta sets, or null.</summary>
    public string? ClusterId => _clusterId;

    /// <summary>Brokers registered, fenced, unfenced (the new registration) or unregistered (null), by id.</summary>
    public IReadOnlyDictionary<int, BrokerRegistration?> BrokerChanges =>
        _brokers ?? (IReadOnlyDictionary<int, BrokerRegistration?>)ImmutableDictionary<int, BrokerRegistration?>.Empty;

    /// <summary>Topics created or changed, by id. A topic deleted in the same delta is not here.</summary>
    public IReadOnlyDictionary<Guid, TopicDelta> TopicChanges =>
        _topics ?? (IReadOnlyDictionary<Guid, TopicDelta>)ImmutableDictionary<Guid, TopicDelta>.Empty;

    /// <summary>Topics of <see cref="Image"/> that the delta deletes, as they were.</summary>
    public IReadOnlyCollection<TopicImage> DeletedTopics =>
        _deletedTopics is null ? [] : _deletedTopics.Values;

    /// <summary>Resources whose dynamic configs changed.</summary>
    public IReadOnlyCollection<ConfigResource> ConfigChanges => _configs is null ? [] : _configs.Keys;

    public bool ProducerIdsChanged => _nextProducerId is not null;

    public bool IsEmpty => _clusterId is null && _brokers is null && _topics is null && _deletedTopics is null &&
        _configs is null && _nextProducerId is null;

    /// <summary>Adds one record to the delta.</summary>
    /// <exception cref="InvalidDataException">The record contradicts the image.</exception>
    public void Replay(IMetadataRecord record)
    {
        switch (record)
        {
            case ClusterIdRecord r: ReplayClusterId(r); break;
            case RegisterBrokerRecord r: (_brokers ??= [])[r.BrokerId] = BrokerRegistration.FromRecord(r); break;
            case UnregisterBrokerRecord r:
                RequireBroker(r.BrokerId, r.BrokerEpoch, "unregister");
                (_brokers ??= [])[r.BrokerId] = null;
                break;
            case FenceBrokerRecord r:
                (_brokers ??= [])[r.BrokerId] = RequireBroker(r.BrokerId, r.BrokerEpoch, "fence").WithFenced(true);
                break;
            case UnfenceBrokerRecord r:
                (_brokers ??= [])[r.BrokerId] = RequireBroker(r.BrokerId, r.BrokerEpoch, "unfence").WithFenced(false);
                break;
            case TopicRecord r: ReplayTopic(r); break;
            case PartitionRecord r: RequireTopic(r.TopicId).SetPartition(PartitionRegistration.FromRecord(r)); break;
            case PartitionChangeRecord r: ReplayPartitionChange(r); break;
            case RemoveTopicRecord r: ReplayRemoveTopic(r); break;
            case ConfigRecord r: ReplayConfig(r); break;
            case ProducerIdsRecord r: ReplayProducerIds(r); break;
            default: throw new InvalidDataException($"metadata record {record.RecordType} cannot be replayed");
        }
    }

    /// <summary>The broker as the delta has it so far, or null.</summary>
    public BrokerRegistration? GetBroker(int brokerId)
    {
        if (_brokers is not null && _brokers.TryGetValue(brokerId, out BrokerRegistration? changed)) return changed;
        return Image.Brokers.TryGetBroker(brokerId, out BrokerRegistration? b) ? b : null;
    }

    /// <summary>The topic as the delta has it so far (created or changed), or null when it does not exist.</summary>
    public TopicDelta? GetTopic(Guid topicId) => FindTopic(topicId);

    /// <summary>The next image: the base image with every replayed record applied, at the given offset and
    /// epoch.</summary>
    public MetadataImage Apply(long offset, int epoch) => new(
        _clusterId ?? Image.ClusterId,
        offset,
        epoch,
        _brokers is null ? Image.Brokers : ApplyBrokers(),
        _topics is null && _deletedTopics is null ? Image.Topics : ApplyTopics(),
        _configs is null ? Image.Configs : ApplyConfigs(),
        _nextProducerId is { } next ? new ProducerIdsImage(next) : Image.ProducerIds);

    private void ReplayClusterId(ClusterIdRecord r)
    {
        string? current = _clusterId ?? Image.ClusterId;
        if (current is not null && !string.Equals(current, r.ClusterId, StringComparison.Ordinal))
            throw new InvalidDataException($"metadata log names cluster {r.ClusterId} after cluster {current}");
        _clusterId = r.ClusterId;
    }

    private BrokerRegistration RequireBroker(int brokerId, long brokerEpoch, string action)
    {
        BrokerRegistration? broker = GetBroker(brokerId);
        if (broker is null || broker.BrokerEpoch != brokerEpoch)
        {
            string state = broker is null ? "not registered" : $"at epoch {broker.BrokerEpoch}";
            throw new InvalidDataException($"metadata log is inconsistent: cannot {action} broker {brokerId} " +
                $"at epoch {brokerEpoch}; it is {state}");
        }
        return broker;
    }

    private void ReplayTopic(TopicRecord r)
    {
        if (FindTopic(r.TopicId) is not null || (_deletedTopics?.ContainsKey(r.TopicId) ?? false))
            throw new InvalidDataException($"metadata log is inconsistent: topic id {r.TopicId} is used twice");
        bool nameTaken = (_createdNames?.ContainsKey(r.Name) ?? false) ||
            (Image.Topics.TryGetTopic(r.Name, out TopicImage? existing) &&
                !(_deletedTopics?.ContainsKey(existing.TopicId) ?? false));
        if (nameTaken) throw new InvalidDataException($"metadata log is inconsistent: topic {r.Name} is created twice");
        (_topics ??= [])[r.TopicId] = new TopicDelta(null, r.Name, r.TopicId);
        (_createdNames ??= new Dictionary<string, Guid>(StringComparer.Ordinal))[r.Name] = r.TopicId;
    }

    private void ReplayPartitionChange(PartitionChangeRecord r)
    {
        TopicDelta topic = RequireTopic(r.TopicId);
        PartitionRegistration partition = topic.GetPartition(r.PartitionId) ?? throw new InvalidDataException(
            $"metadata log is inconsistent: topic {topic.Name} has no partition {r.PartitionId} to change");
        topic.SetPartition(partition.Merge(r));
    }

    private void ReplayRemoveTopic(RemoveTopicRecord r)
    {
        TopicDelta topic = FindTopic(r.TopicId) ?? throw new InvalidDataException(
            $"metadata log is inconsistent: cannot remove unknown topic id {r.TopicId}");
        _topics?.Remove(r.TopicId);
        if (topic.IsCreated) _createdNames!.Remove(topic.Name);
        else (_deletedTopics ??= [])[r.TopicId] = topic.Image!;
        ConfigChangesOf(ConfigResource.ForTopic(topic.Name)).Clear();
    }

    private void ReplayConfig(ConfigRecord r)
    {
        var resource = new ConfigResource((ConfigResourceType)r.ResourceType, r.ResourceName);
        ConfigChangesOf(resource).Set(r.Name, r.Value);
    }

    private void ReplayProducerIds(ProducerIdsRecord r)
    {
        long current = _nextProducerId ?? Image.ProducerIds.NextProducerId;
        if (r.NextProducerId < current)
        {
            throw new InvalidDataException(
                $"metadata log is inconsistent: next producer id goes back from {current} to {r.NextProducerId}");
        }
        _nextProducerId = r.NextProducerId;
    }

    private TopicDelta? FindTopic(Guid topicId)
    {
        if (_topics is not null && _topics.TryGetValue(topicId, out TopicDelta? delta)) return delta;
        if (_deletedTopics is not null && _deletedTopics.ContainsKey(topicId)) return null;
        if (!Image.Topics.TryGetTopic(topicId, out TopicImage? topic)) return null;
        delta = new TopicDelta(topic, topic.Name, topic.TopicId);
        (_topics ??= [])[topicId] = delta;
        return delta;
    }

    private TopicDelta RequireTopic(Guid topicId) => FindTopic(topicId) ??
        throw new InvalidDataException($"metadata log is inconsistent: no topic has id {topicId}");

    private ResourceConfigChanges ConfigChangesOf(ConfigResource resource)
    {
        _configs ??= [];
        if (!_configs.TryGetValue(resource, out ResourceConfigChanges? changes))
            _configs[resource] = changes = new ResourceConfigChanges();
        return changes;
    }

    private BrokersImage ApplyBrokers()
    {
        ImmutableDictionary<int, BrokerRegistration>.Builder builder = Image.Brokers.Items.ToBuilder();
        foreach ((int id, BrokerRegistration? registration) in _brokers!)
        {
            if (registration is null) builder.Remove(id);
            else builder[id] = registration;
        }
        return new BrokersImage(builder.ToImmutable());
    }

    private TopicsImage ApplyTopics()
    {
        ImmutableDictionary<Guid, TopicImage>.Builder byId = Image.Topics.ById.ToBuilder();
        ImmutableDictionary<string, TopicImage>.Builder byName = Image.Topics.ByName.ToBuilder();
        if (_deletedTopics is not null)
        {
            foreach (TopicImage deleted in _deletedTopics.Values)
            {
                byId.Remove(deleted.TopicId);
                byName.Remove(deleted.Name);
            }
        }
        if (_topics is not null)
        {
            foreach (TopicDelta delta in _topics.Values)
            {
                if (!delta.IsCreated && delta.PartitionChanges.Count == 0) continue;
                TopicImage topic = delta.Apply();
                byId[topic.TopicId] = topic;
                byName[topic.Name] = topic;
            }
        }
        return new TopicsImage(byId.ToImmutable(), byName.ToImmutable());
    }

    private ConfigurationsImage ApplyConfigs()
    {
        ImmutableDictionary<ConfigResource, ConfigurationImage>.Builder builder = Image.Configs.Items.ToBuilder();
        foreach ((ConfigResource resource, ResourceConfigChanges changes) in _configs!)
        {
            ImmutableDictionary<string, string> data = changes.IsCleared
                ? ImmutableDictionary.Create<string, string>(StringComparer.Ordinal)
                : Image.Configs.Get(resource);
            ImmutableDictionary<string, string>.Builder values = data.ToBuilder();
            foreach ((string name, string? value) in changes.Values)
            {
                if (value is null) values.Remove(name);
                else values[name] = value;
            }
            if (values.Count == 0) builder.Remove(resource);
            else builder[resource] = new ConfigurationImage(resource, values.ToImmutable());
        }
        return new ConfigurationsImage(builder.ToImmutable());
    }

    // The config changes to one resource, in order: a removed topic clears what came before.
    private sealed class ResourceConfigChanges
    {
        public bool IsCleared { get; private set; }

        public Dictionary<string, string?> Values { get; } = new(StringComparer.Ordinal);

        public void Set(string name, string? value) => Values[name] = value;

        public void Clear()
        {
            IsCleared = true;
            Values.Clear();
        }
    }
}
