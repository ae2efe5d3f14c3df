namespace Samsa.Metadata.Image;

/// <summary>
/// The cluster's state after the metadata log up to <see cref="Offset"/>: cluster id, brokers, topics and their
/// partitions, dynamic configs and producer-id blocks.
/// </summary>
/// <remarks>
/// <para>Immutable, so it is shared across threads without locks: the loader publishes each new image with one
/// reference swap, and a request handler reads one image from start to end for a consistent view.</para>
/// <para>Applying records (<see cref="MetadataDelta"/>) costs O(changed): the new image shares everything unchanged
/// with the old. Lookups by topic name or id, broker id, and partition are O(1) without allocation.</para>
/// </remarks>
public sealed class MetadataImage
{
    /// <summary>The image of an empty log.</summary>
    public static MetadataImage Empty { get; } = new(null, -1, -1, BrokersImage.Empty, TopicsImage.Empty,
        ConfigurationsImage.Empty, ProducerIdsImage.Empty);

    internal MetadataImage(string? clusterId, long offset, int epoch, BrokersImage brokers, TopicsImage topics,
        ConfigurationsImage configs, ProducerIdsImage producerIds)
    {
        ClusterId = clusterId;
        Offset = offset;
        Epoch = epoch;
        Brokers = brokers;
        Topics = topics;
        Configs = configs;
        ProducerIds = producerIds;
    }

    /// <summary>The cluster id, once the log has named one.</summary>
    public string? ClusterId { get; }

    /// <summary>The offset of the last record applied; -1 for the empty log.</summary>
    public long Offset { get; }

    /// <summary>The leader epoch of the metadata log (the Raft term) the last record was written in; -1 when
    /// empty.</summary>
    public int Epoch { get; }

    public BrokersImage Brokers { get; }

    public TopicsImage Topics { get; }

    public ConfigurationsImage Configs { get; }

    public ProducerIdsImage ProducerIds { get; }

    public bool IsEmpty => Offset < 0;

    /// <summary>The image after <paramref name="records"/>, the last of which is at <paramref
    /// name="offset"/>.</summary>
    /// <exception cref="InvalidDataException">A record contradicts the image.</exception>
    public MetadataImage Apply(IEnumerable<IMetadataRecord> records, long offset, int epoch)
    {
        var delta = new MetadataDelta(this);
        foreach (IMetadataRecord record in records) delta.Replay(record);
        return delta.Apply(offset, epoch);
    }

    /// <summary>
    /// Records that rebuild this image from the empty one: what a snapshot holds. Deterministic: brokers by id, topics
    /// by name with their partitions in order, then configs by resource and name, so equal images give equal records.
    /// </summary>
    public IReadOnlyList<IMetadataRecord> ToRecords()
    {
        var records = new List<IMetadataRecord>();
        if (ClusterId is not null) records.Add(new ClusterIdRecord { ClusterId = ClusterId });

        var brokers = new List<BrokerRegistration>(Brokers.All);
        brokers.Sort(static (a, b) => a.BrokerId.CompareTo(b.BrokerId));
        foreach (BrokerRegistration broker in brokers) records.Add(broker.ToRecord());

        var topics = new List<TopicImage>(Topics.All);
        topics.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (TopicImage topic in topics)
        {
            records.Add(new TopicRecord { Name = topic.Name, TopicId = topic.TopicId });
            foreach (PartitionRegistration partition in topic.Partitions)
                records.Add(partition.ToRecord(topic.TopicId));
        }

        var resources = new List<ConfigurationImage>(Configs.All);
        resources.Sort(static (a, b) => a.Resource.Type != b.Resource.Type
            ? a.Resource.Type.CompareTo(b.Resource.Type)
            : string.CompareOrdinal(a.Resource.Name, b.Resource.Name));
        foreach (ConfigurationImage resource in resources)
        {
            var names = new List<string>(resource.Data.Keys);
            names.Sort(StringComparer.Ordinal);
            foreach (string name in names)
            {
                records.Add(new ConfigRecord
                {
                    ResourceType = (sbyte)resource.Resource.Type,
                    ResourceName = resource.Resource.Name,
                    Name = name,
                    Value = resource.Data[name],
                });
            }
        }

        if (ProducerIds.NextProducerId > 0)
        {
            records.Add(new ProducerIdsRecord
            {
                BrokerId = -1,
                BrokerEpoch = -1,
                NextProducerId = ProducerIds.NextProducerId,
            });
        }
        return records;
    }

    public override string ToString() =>
        $"metadata image at offset {Offset} (epoch {Epoch}): {Brokers.Count} brokers, {Topics.Count} topics";
}
